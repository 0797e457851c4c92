"""Provides the intake of a new contact, keyboard-first, saved as a draft while it is typed.

It can be opened before the database is open (the first frame is the screener's shell):
what is typed stays in the form, and lookups, the draft and Create wait for `app.ready`.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
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
from mash_tui.domain.errors import first_line
from mash_tui.messages import Edited, ServicesReady
from mash_tui.uistate import (
    PRIORITIES,
    REFERRER_KEYS,
    blank_child,
    blank_intake,
    intake_from_payload,
)
from mash_tui.widgets import (
    DraftAutosave,
    DraftSlot,
    FormField,
    FormMixin,
    ServiceCaller,
    field_rows,
)

from .commands import PaletteCommand, ScreenCommands
from .intake_children import ChildForm, HouseholdRow, select_value, text_area

if TYPE_CHECKING:
    from mash_tui.app import MashApp

__all__ = ["ChildForm", "HouseholdRow", "IntakeScreen"]

REFERRER_LABELS = {
    "referrer_name": "Referrer's name",
    "referrer_agency": "Agency",
    "referrer_role": "Role",
    "referrer_phone": "Phone",
    "referrer_email": "Email",
}


class IntakeCommands(ScreenCommands):
    """The palette on the intake: create, add a sibling or a household member, leave."""

    def commands(self) -> list[PaletteCommand]:
        screen = self.screen
        assert isinstance(screen, IntakeScreen)
        return [
            PaletteCommand("Create contact", "Check and save this intake", screen.action_create),
            PaletteCommand(
                "Add sibling", "Another child in the same family", screen.action_add_sibling
            ),
            PaletteCommand(
                "Add household member", "Someone living with the child", screen.action_add_member
            ),
            PaletteCommand("Back to my contacts", "Leave; the draft is kept", screen.action_leave),
        ]


class IntakeScreen(DraftAutosave, ServiceCaller, FormMixin, Screen[None]):
    """A new contact: when, who referred, which children, the household and the concern."""

    COMMANDS = {IntakeCommands}

    BINDINGS = [
        Binding("ctrl+s", "create", "Create contact"),
        Binding("ctrl+b", "add_sibling", "Add sibling"),
        Binding("ctrl+o", "add_member", "Add household", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, payload: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.initial = payload
        self.draft = DraftSlot("intake", draft_id)
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
                text_area(str(p.get("concern", "")), id="concern"),
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
        self.query_one("#intake-form").can_focus = False  # Tab stops on fields only
        self.query_one("#received_at", Input).focus()

    def _show_readiness(self) -> None:
        ready = self.mash.ready
        self.query_one("#intake-waiting").display = not ready
        self.query_one("#create", Button).disabled = not ready

    @on(ServicesReady)
    def _services_ready(self) -> None:
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
            "priority": select_value(self.query_one("#priority", Select)),
            "source_code": select_value(self.query_one("#source_code", Select)),
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
    @on(Edited)
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
            return  # kept in the form; saved once ServicesReady arrives
        self._last_saved = payload
        self.call_service(
            self.draft.write,
            services,
            identity.login,
            payload,
            failed=self.draft_failed,
            group="draft",
        )

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
        self.draft.finish()
        self.stop_drafts()
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(self.draft.discard, services, identity.login, group="draft")
        refs = ", ".join(c.reference for c in contacts)
        self.notify(f"Created {refs}. Next: consent.", title="Contact logged")
        self.app.switch_screen(ContactScreen(contacts[0].id))

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
