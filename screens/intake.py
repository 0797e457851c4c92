"""Intake of a new contact, keyboard-first, saved as a draft while it is typed.

It can be opened before the database is open (the first frame is the screener's shell):
what is typed stays in the form, and lookups, the draft and Create wait for `app.ready`.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from mash_tui.domain import codes
from mash_tui.domain.clock import format_local
from mash_tui.uistate import (
    PRIORITIES,
    REFERRER_KEYS,
    age_text,
    blank_child,
    blank_intake,
    intake_from_payload,
    parse_day,
    show_day,
)
from mash_tui.widgets import (
    DraftAutosave,
    FormField,
    FormMixin,
    Literal,
    ServiceCaller,
    edited,
    field_rows,
    first_line,
    literal,
)

if TYPE_CHECKING:
    from mash_tui.app import MashApp, PaletteCommand

LOOKUP_DELAY = 0.4

REFERRER_LABELS = {
    "referrer_name": "Referrer's name",
    "referrer_agency": "Agency",
    "referrer_role": "Role",
    "referrer_phone": "Phone",
    "referrer_email": "Email",
}


def _select_value(select: Select[Any]) -> Any:
    value = select.value
    return "" if value is Select.NULL else value


def _text_area(text: str, *, id: str | None = None, classes: str = "") -> TextArea:
    area = TextArea(text, id=id, classes=classes, soft_wrap=True, show_line_numbers=False)
    return area


class ChildForm(ServiceCaller, Vertical):
    """One child: identity, details, and what mash-tui already knows about them."""

    def __init__(self, index: int, values: dict[str, Any]) -> None:
        super().__init__(classes="child-form", id=f"child-{index}")
        self.index = index
        self.values = {**blank_child(), **values}
        self.linked_id: int | None = self.values.get("existing_child_id")
        self.linked_label: str = str(self.values.get("linked_label", ""))
        self._lookup_timer: Timer | None = None
        self.matches: list[Any] = []
        self.earlier: list[Any] = []

    def _key(self, name: str) -> str:
        return f"children[{self.index}].{name}"

    def _input(self, name: str, placeholder: str = "", **kwargs: Any) -> Input:
        return Input(
            str(self.values.get(name) or ""),
            placeholder=placeholder,
            id=f"c{self.index}-{name}",
            **kwargs,
        )

    def compose(self) -> ComposeResult:
        v = self.values
        with Horizontal(classes="child-title"):
            yield Static(f"Child {self.index + 1}", classes="subsection")
            if self.index > 0:
                yield Button("Remove", id=f"c{self.index}-remove", classes="small remove-child")
        yield from field_rows(
            [
                FormField("First name", self._input("first_name"), key=self._key("first_name")),
                FormField("Last name", self._input("last_name"), key=self._key("last_name")),
                FormField(
                    "Date of birth",
                    self._input("date_of_birth", "dd/mm/yyyy"),
                    key=self._key("date_of_birth"),
                ),
                FormField(
                    "Expected date (if unborn)",
                    self._input("expected_date", "dd/mm/yyyy"),
                    key=self._key("expected_date"),
                ),
            ]
        )
        yield Checkbox("Unborn", bool(v.get("unborn")), id=f"c{self.index}-unborn", compact=True)
        yield from field_rows(
            [
                FormField(
                    "Gender",
                    Select(
                        [(f"{c.code} - {c.label}", c.code) for c in codes.genders()],
                        value=v.get("gender") or "U",
                        allow_blank=False,
                        id=f"c{self.index}-gender",
                    ),
                    key=self._key("gender"),
                ),
                FormField(
                    "Ethnicity",
                    Select(
                        [(f"{c.code} - {c.label}", c.code) for c in codes.ethnicities()],
                        value=v.get("ethnicity") or "NOBT",
                        allow_blank=False,
                        id=f"c{self.index}-ethnicity",
                    ),
                    key=self._key("ethnicity"),
                ),
                FormField("Address", self._input("address"), key=self._key("address")),
                FormField("Postcode", self._input("postcode"), key=self._key("postcode")),
                FormField("School", self._input("school"), key=self._key("school")),
                FormField(
                    "NHS number",
                    self._input("nhs_number", "10 digits"),
                    key=self._key("nhs_number"),
                ),
            ]
        )
        with Vertical(classes="known", id=f"c{self.index}-known"):
            yield Literal("", id=f"c{self.index}-linked", classes="linked")
            yield Button("Unlink", id=f"c{self.index}-unlink", classes="small")
            yield Static("", id=f"c{self.index}-matches-title", classes="subsection")
            yield Vertical(id=f"c{self.index}-matches")
            yield Literal("", id=f"c{self.index}-earlier", classes="earlier")

    def on_mount(self) -> None:
        self._show_link()
        self._show_matches()

    # ------------------------------------------------------------------ values
    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in (
            "first_name",
            "last_name",
            "date_of_birth",
            "expected_date",
            "address",
            "postcode",
            "school",
            "nhs_number",
        ):
            out[name] = self.query_one(f"#c{self.index}-{name}", Input).value
        out["unborn"] = self.query_one(f"#c{self.index}-unborn", Checkbox).value
        out["gender"] = _select_value(self.query_one(f"#c{self.index}-gender", Select))
        out["ethnicity"] = _select_value(self.query_one(f"#c{self.index}-ethnicity", Select))
        out["existing_child_id"] = self.linked_id
        out["linked_label"] = self.linked_label if self.linked_id is not None else ""
        return out

    # ------------------------------------------------------------------ known children
    @on(Input.Changed)
    def _identity_changed(self, event: Input.Changed) -> None:
        names = ("first_name", "last_name", "date_of_birth", "nhs_number")
        if event.input.id and event.input.id.split("-", 1)[1] in names:
            if self._lookup_timer is not None:
                self._lookup_timer.stop()
            self._lookup_timer = self.set_timer(LOOKUP_DELAY, self.lookup)

    def lookup(self) -> None:
        """Look for the child among known children, and their earlier contacts."""
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
            self._lookup_timer = None
        app: MashApp = self.app  # type: ignore[assignment]
        services = app.services
        if services is None or not app.ready:  # looked up again once the database is open
            return
        p = self.payload()
        try:
            dob = parse_day(p["date_of_birth"])
        except ValueError:
            dob = None
        if not (
            p["nhs_number"].strip() or (p["last_name"].strip() and (p["first_name"].strip() or dob))
        ):
            self.matches, self.earlier = [], []
            self._show_matches()
            return
        ids = [self.linked_id] if self.linked_id is not None else []
        self.call_service(
            self._find,
            services,
            p["first_name"],
            p["last_name"],
            dob,
            p["nhs_number"],
            ids,
            done=self._found,
            group=f"lookup-{self.index}",
        )

    @staticmethod
    def _find(
        services: Any, first: str, last: str, dob: Any, nhs: str, linked: list[int]
    ) -> tuple[list[Any], list[Any]]:
        children = services.find_children(first, last, dob, nhs)
        ids = list(dict.fromkeys([*linked, *(c.id for c in children)]))
        return children, services.earlier_contacts(ids)

    def _found(self, found: tuple[list[Any], list[Any]]) -> None:
        self.matches, self.earlier = found
        self._show_matches()

    def _show_matches(self) -> None:
        if not self.is_mounted:
            return
        app: MashApp = self.app  # type: ignore[assignment]
        today = app.clock.now().date()
        box = self.query_one(f"#c{self.index}-matches", Vertical)
        box.remove_children()
        title = self.query_one(f"#c{self.index}-matches-title", Static)
        candidates = [c for c in self.matches if c.id != self.linked_id]
        if candidates:
            title.update(f"Known children who may be this child ({len(candidates)}):")
            buttons = []
            for child in candidates[:5]:
                born = show_day(child.date_of_birth) or (
                    "unborn" if child.unborn else "DOB unknown"
                )
                label = (
                    f"Link {child.unique_id}: {child.first_name} {child.last_name}, "
                    f"{born} {age_text(child.date_of_birth, today)}".strip()
                )
                buttons.append(Button(literal(label), name=str(child.id), classes="link small"))
            box.mount_all(buttons)
        else:
            title.update("")
        earlier = self.query_one(f"#c{self.index}-earlier", Literal)
        if self.earlier:
            repeats = sum(1 for e in self.earlier if e.within_12_months)
            lines = []
            if repeats:
                lines.append(
                    f"REPEAT CONTACT: {repeats} earlier contact{'s' if repeats != 1 else ''} "
                    "within 12 months"
                )
            lines.append("Earlier contacts:")
            for e in self.earlier[:6]:
                flag = "12m" if e.within_12_months else "   "
                level = f"L{e.level}" if e.level is not None else "L-"
                concern = " ".join(e.concern.split())[:50]
                lines.append(
                    f" {flag} {e.reference} {e.received_at:%d/%m/%Y} {level} "
                    f"{e.next_step or e.state}: {concern}"
                )
            earlier.set_text("\n".join(lines))
            earlier.set_class(bool(repeats), "-repeat")
            earlier.display = True
        else:
            earlier.display = False

    @on(Button.Pressed)
    def _child_button(self, event: Button.Pressed) -> None:
        button_id = str(event.button.id)
        if button_id == f"c{self.index}-unlink":
            event.stop()
            self.linked_id = None
            self.linked_label = ""
            self._show_link()
            self.lookup()
            edited(self)
        elif event.button.has_class("link"):
            event.stop()
            self._link(int(str(event.button.name)))

    def _link(self, child_id: int) -> None:
        child = next((c for c in self.matches if c.id == child_id), None)
        if child is None:
            return
        self.linked_id = child_id
        self.linked_label = f"{child.unique_id}: {child.first_name} {child.last_name}"
        self._show_link()
        self._show_matches()
        edited(self)

    def _show_link(self) -> None:
        linked = self.query_one(f"#c{self.index}-linked", Literal)
        unlink = self.query_one(f"#c{self.index}-unlink", Button)
        if self.linked_id is not None:
            linked.set_text(f"Linked to known child {self.linked_label}")
            linked.display = True
            unlink.display = True
        else:
            linked.display = False
            unlink.display = False


class HouseholdRow(Horizontal):
    """One member of the household: name, relationship, date of birth."""

    def __init__(self, index: int, values: dict[str, Any]) -> None:
        super().__init__(classes="household-row")
        self.index = index
        self.values = values

    def compose(self) -> ComposeResult:
        i = self.index
        yield FormField(
            "Name",
            Input(str(self.values.get("name", "")), id=f"h{i}-name"),
            key=f"household[{i}].name",
        )
        yield FormField(
            "Relationship",
            Input(str(self.values.get("relationship", "")), id=f"h{i}-relationship"),
            key=f"household[{i}].relationship",
        )
        yield FormField(
            "Date of birth",
            Input(
                str(self.values.get("date_of_birth", "")),
                placeholder="dd/mm/yyyy",
                id=f"h{i}-date_of_birth",
            ),
            key=f"household[{i}].date_of_birth",
        )

    def payload(self) -> dict[str, Any]:
        return {
            name: self.query_one(f"#h{self.index}-{name}", Input).value
            for name in ("name", "relationship", "date_of_birth")
        }


class IntakeScreen(DraftAutosave, ServiceCaller, FormMixin, Screen[None]):
    """A new contact: when, who referred, which children, the household and the concern."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Create contact"),
        Binding("ctrl+b", "add_sibling", "Add sibling"),
        Binding("ctrl+o", "add_member", "Add household", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, payload: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.initial = payload
        self.draft_id = draft_id
        self._draft_lock = threading.Lock()
        self._last_saved: dict[str, Any] | None = payload
        self._finished = False
        self.children_count = 0
        self.household_count = 0

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        p = self.initial or blank_intake(self.mash.clock.now())
        yield Header()
        with VerticalScroll(id="intake-form", classes="form"):
            yield Static("New contact", classes="title")
            yield Static(
                "Opening the database... keep typing: what you type is kept, and Create "
                "works as soon as the database is open.",
                id="intake-waiting",
                classes="status",
            )
            yield Static("", classes="form-error")
            yield Static("1. When it came in and who told us", classes="section")
            yield from field_rows(
                [
                    FormField(
                        "Received (UK time)",
                        Input(
                            str(p.get("received_at", "")),
                            placeholder="dd/mm/yyyy HH:MM (the clock starts here)",
                            id="received_at",
                        ),
                        key="received_at",
                    ),
                    FormField(
                        "Priority (RAG)",
                        Select(
                            PRIORITIES,
                            value=p.get("priority") or "amber",
                            allow_blank=False,
                            id="priority",
                        ),
                        key="priority",
                    ),
                ]
            )
            yield FormField(
                "Contact source",
                Select(
                    [(f"{c.code} - {c.label}", c.code) for c in codes.sources()],
                    value=p.get("source_code") or Select.NULL,
                    prompt="Choose the contact source",
                    id="source_code",
                ),
                key="source_code",
            )
            yield from field_rows(
                [
                    FormField(REFERRER_LABELS[key], Input(str(p.get(key, "")), id=key), key=key)
                    for key in REFERRER_KEYS
                ]
            )
            yield Static("2. The child or children", classes="section")
            with Vertical(id="children"):
                for index, child in enumerate(p.get("children") or [blank_child()]):
                    yield ChildForm(index, child)
            yield Button("Add sibling (Ctrl+B)", id="add-sibling")
            yield Static("3. Household members", classes="section")
            with Vertical(id="household"):
                for index, member in enumerate(p.get("household", [])):
                    yield HouseholdRow(index, member)
            yield Button("Add household member (Ctrl+O)", id="add-member")
            yield Static("4. The concern", classes="section")
            yield FormField(
                "The concern, in the referrer's words",
                _text_area(str(p.get("concern", "")), id="concern"),
                key="concern",
            )
            yield FormField(
                "Factors (Space to tick)",
                SelectionList[str](
                    *[(c.label, c.code, c.code in p.get("factors", [])) for c in codes.factors()],
                    id="factors",
                ),
                key="factors",
            )
            with Horizontal(classes="button-bar"):
                yield Button("Create contact (Ctrl+S)", id="create", variant="primary")
                yield Button("Back (Esc)", id="leave")
        yield Footer()

    def on_mount(self) -> None:
        self.children_count = len(self.query(ChildForm))
        self.household_count = len(self.query(HouseholdRow))
        self._last_saved = self.initial if self.initial is not None else self.payload()
        self._show_readiness()
        self.query_one("#received_at", Input).focus()

    def _show_readiness(self) -> None:
        ready = self.mash.ready
        self.query_one("#intake-waiting").display = not ready
        self.query_one("#create", Button).disabled = not ready

    def services_ready(self) -> None:
        """The database is open: allow Create, look up the children, save the draft."""
        if not self.is_mounted or self._finished:
            return
        self._show_readiness()
        for form in self.query(ChildForm):
            form.lookup()
        self.save_draft()

    # ------------------------------------------------------------------ payload
    def payload(self) -> dict[str, Any]:
        """Everything typed so far, as a draft payload."""
        out: dict[str, Any] = {
            "received_at": self.query_one("#received_at", Input).value,
            "priority": _select_value(self.query_one("#priority", Select)),
            "source_code": _select_value(self.query_one("#source_code", Select)),
            "concern": self.query_one("#concern", TextArea).text,
            "factors": list(self.query_one("#factors", SelectionList).selected),
            "children": [form.payload() for form in self.query(ChildForm)],
            "household": [row.payload() for row in self.query(HouseholdRow)],
        }
        for key in REFERRER_KEYS:
            out[key] = self.query_one(f"#{key}", Input).value
        return out

    # ------------------------------------------------------------------ drafts
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        if self._finished:
            return
        self.schedule_draft()

    def save_draft(self) -> None:
        """Write what is typed to the database in a worker, if it changed."""
        if self._finished or not self.is_mounted:
            return
        payload = self.payload()
        if payload == self._last_saved:
            return
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None:
            return  # kept in the form; services_ready() saves it
        self._last_saved = payload
        self.call_service(
            self._write_draft,
            services,
            identity.login,
            payload,
            failed=self.draft_failed,
            group="draft",
        )

    def _write_draft(self, services: Any, login: str, payload: dict[str, Any]) -> None:
        with self._draft_lock:
            if self._finished:
                return
            self.draft_id = services.save_draft(login, "intake", payload, self.draft_id)

    # ------------------------------------------------------------------ children
    @on(Button.Pressed, "#add-sibling")
    def action_add_sibling(self) -> None:
        form = ChildForm(self.children_count, blank_child())
        self.children_count += 1
        self.query_one("#children").mount(form)
        form.call_after_refresh(lambda: form.query_one(Input).focus())
        self._changed()

    @on(Button.Pressed, "#add-member")
    def action_add_member(self) -> None:
        row = HouseholdRow(self.household_count, {})
        self.household_count += 1
        self.query_one("#household").mount(row)
        row.call_after_refresh(lambda: row.query_one(Input).focus())
        self._changed()

    @on(Button.Pressed, ".remove-child")
    async def _remove_child(self, event: Button.Pressed) -> None:
        event.stop()
        index = int(str(event.button.id)[1:].split("-", 1)[0])
        children = [form.payload() for form in self.query(ChildForm)]
        del children[index]
        box = self.query_one("#children")
        await box.remove_children()
        await box.mount_all([ChildForm(i, values) for i, values in enumerate(children)])
        self.children_count = len(children)
        self._changed()

    # ------------------------------------------------------------------ create
    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        payload = self.payload()
        intake, errors = intake_from_payload(payload)
        if intake is None:
            self.show_errors({**self._rule_errors(payload, errors), **errors})
            return
        self.clear_errors()
        if not self.mash.ready:
            self.mash.not_ready()
            return
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(
            services.create_contact,
            identity.login,
            intake,
            done=self._created,
            failed=self._refused,
        )

    def _rule_errors(self, payload: dict[str, Any], unreadable: dict[str, str]) -> dict[str, str]:
        """The service's rule errors on everything else, so one Ctrl+S shows every problem."""
        services = self.mash.services
        if services is None:
            return {}
        neutral = copy.deepcopy(payload)
        for key in unreadable:
            if key == "received_at":
                neutral["received_at"] = format_local(self.mash.clock.now())
            elif match := re.fullmatch(r"(children|household)\[(\d+)\]\.(\w+)", key):
                neutral[match[1]][int(match[2])][match[3]] = ""
        intake, still = intake_from_payload(neutral)
        if intake is None:
            return still
        errors = services.check_intake(intake)
        if "source_code" in errors and not payload["source_code"]:
            errors["source_code"] = "choose the contact source"
        return errors

    def _refused(self, exc: BaseException) -> None:
        from mash_tui.domain.errors import MashError, ValidationFailed

        if isinstance(exc, ValidationFailed):
            errors = dict(exc.errors)
            if "source_code" in errors and not self.payload()["source_code"]:
                errors["source_code"] = "choose the contact source"  # nothing chosen yet
            self.show_errors(errors)
        elif isinstance(exc, MashError):
            self.show_errors({exc.field or "": exc.message})
        else:
            self.show_errors({"": first_line(exc)})

    def _created(self, contacts: list[Any]) -> None:
        from mash_tui.screens.contact import ContactScreen

        self._finished = True
        self.stop_drafts()
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(self._discard, services, identity.login, group="draft")
        refs = ", ".join(c.reference for c in contacts)
        self.notify(f"Created {refs}. Next: consent.", title="Contact logged")
        self.app.switch_screen(ContactScreen(contacts[0].id))

    def _discard(self, services: Any, login: str) -> None:
        with self._draft_lock:
            if self.draft_id is not None:
                services.discard_draft(login, self.draft_id)

    @on(Button.Pressed, "#leave")
    def action_leave(self) -> None:
        """Go back; the draft stays and is offered again later."""
        if not self._finished:
            if not self.mash.ready:
                payload = self.payload()
                if payload != self._last_saved:
                    self.mash.keep_unsaved("intake", payload)
            self.save_draft()
        self.app.pop_screen()

    def palette_commands(self) -> list[PaletteCommand]:
        from mash_tui.app import PaletteCommand

        return [
            PaletteCommand("Create contact", "Check and save this intake", self.action_create),
            PaletteCommand(
                "Add sibling", "Another child in the same family", self.action_add_sibling
            ),
            PaletteCommand(
                "Add household member", "Someone living with the child", self.action_add_member
            ),
            PaletteCommand("Back to my contacts", "Leave; the draft is kept", self.action_leave),
        ]
