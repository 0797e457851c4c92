"""Provides the repeating parts of the intake form: each child (with the known-children lookup)
and each household member."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Select,
    Static,
    TextArea,
)

from mash_tui.domain import codes
from mash_tui.domain.clock import parse_day
from mash_tui.domain.linking import CHILD_DETAILS, merge_known_child
from mash_tui.domain.matching import ChildQuery
from mash_tui.domain.states import label_of
from mash_tui.messages import Edited
from mash_tui.uistate import (
    age_text,
    blank_child,
    show_day,
)
from mash_tui.widgets import (
    FormField,
    Literal,
    ServiceCaller,
    Tick,
    field_rows,
    literal,
)

# How the known-child note names a detail.
LABELS = {
    "date_of_birth": "date of birth",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "address": "address",
    "postcode": "postcode",
    "school": "school",
    "nhs_number": "NHS number",
}

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.services import Services

LOOKUP_DELAY = 0.4


def select_value(select: Select[Any]) -> Any:
    """A Select's value, or "" when nothing is chosen, as the payloads expect."""
    value = select.value
    return "" if value is Select.NULL else value


def text_area(text: str, *, id: str | None = None, classes: str = "") -> TextArea:
    """A wrapped text box with no line numbers: prose, not code."""
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
        self.kept: list[str] = []  # details typed that differ from the linked child's record
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
        yield Tick("Unborn", bool(v.get("unborn")), id=f"c{self.index}-unborn", compact=True)
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
        out["gender"] = select_value(self.query_one(f"#c{self.index}-gender", Select))
        out["ethnicity"] = select_value(self.query_one(f"#c{self.index}-ethnicity", Select))
        out["existing_child_id"] = self.linked_id
        out["linked_label"] = self.linked_label if self.linked_id is not None else ""
        return out

    # ------------------------------------------------------------------ known children
    @on(Input.Changed)
    def _identity_changed(self, event: Input.Changed) -> None:
        names = ("first_name", "last_name", "date_of_birth", "nhs_number", "postcode")
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
        query = ChildQuery(p["first_name"], p["last_name"], dob, p["nhs_number"], p["postcode"])
        if not query.is_searchable():
            self.matches, self.earlier = [], []
            self._show_matches()
            return
        ids = [self.linked_id] if self.linked_id is not None else []
        self.call_service(
            self._find,
            services,
            query,
            ids,
            done=self._found,
            group=f"lookup-{self.index}",
        )

    @staticmethod
    def _find(
        services: Services, query: ChildQuery, linked: list[int]
    ) -> tuple[list[Any], list[Any]]:
        found = services.find_children(
            query.first_name,
            query.last_name,
            query.date_of_birth,
            query.nhs_number,
            query.postcode,
        )
        ids = list(dict.fromkeys([*linked, *(m.child.id for m in found if m.child.id is not None)]))
        return found, services.earlier_contacts(ids)

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
        candidates = [m for m in self.matches if m.child.id != self.linked_id]
        if candidates:
            title.update(
                f"Known children who may be this child ({len(candidates)}), likeliest first:"
            )
            buttons = []
            for match in candidates[:5]:
                child = match.child
                born = show_day(child.date_of_birth) or (
                    "unborn" if child.unborn else "DOB unknown"
                )
                label = (
                    f"Link {child.unique_id}: {child.first_name} {child.last_name}, "
                    f"{born} {age_text(child.date_of_birth, today)}".strip()
                    + f" - {match.reason}"
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
                    f"{label_of(e.next_step or e.state)}: {concern}"
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
            self.kept = []
            self._show_link()
            self.lookup()
            self.post_message(Edited())
        elif event.button.has_class("link"):
            event.stop()
            self._link(int(str(event.button.name)))

    def _link(self, child_id: int) -> None:
        child = next((m.child for m in self.matches if m.child.id == child_id), None)
        if child is None:
            return
        self.linked_id = child_id
        self.linked_label = f"{child.unique_id}: {child.first_name} {child.last_name}"
        self._fill_from_known(child)
        self._show_link()
        self._show_matches()
        self.post_message(Edited())

    def _fill_from_known(self, child: Any) -> None:
        """Fill the blanks from the known record; keep, and say so, what was typed differently."""
        known = {name: getattr(child, name, None) for name in CHILD_DETAILS}
        known["date_of_birth"] = show_day(known["date_of_birth"])
        fill, changed = merge_known_child(known, self.payload())
        for name, value in fill.items():
            widget = self.query_one(f"#c{self.index}-{name}")
            if isinstance(widget, Select):
                widget.value = value
            elif isinstance(widget, Input):
                widget.value = str(value)
        self.kept = sorted(changed)

    def _show_link(self) -> None:
        linked = self.query_one(f"#c{self.index}-linked", Literal)
        unlink = self.query_one(f"#c{self.index}-unlink", Button)
        if self.linked_id is not None:
            kept = self.kept
            note = (
                f"; the record will be updated with the {', '.join(LABELS[k] for k in kept)} "
                "you typed"
                if kept
                else ""
            )
            linked.set_text(f"Linked to known child {self.linked_label}{note}")
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
