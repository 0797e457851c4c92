"""Provides one contact as a manager reads it: the whole record, earlier contacts and its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mash_tui.domain.clock import format_local
from mash_tui.domain.states import label_of, needs_override
from mash_tui.messages import StoredDataChanged
from mash_tui.queries.history_text import ARROW, BLANK, action_label, code_label, describe_changes
from mash_tui.widgets import CountdownLabel, Literal

from .manager_actions import ManagerActions, Target

if TYPE_CHECKING:
    from mash_tui.services import ContactDetail, EarlierContact, Services


class AuditEntry(Protocol):
    """What the change history shows of one audit entry (the screen never touches storage)."""

    @property
    def at(self) -> datetime: ...
    @property
    def username(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def before(self) -> dict[str, Any] | None: ...
    @property
    def after(self) -> dict[str, Any] | None: ...
    @property
    def reason(self) -> str: ...


@dataclass
class Loaded:
    """Everything the detail screen shows, read together in one worker."""

    detail: ContactDetail
    earlier: list[EarlierContact]
    history: Sequence[AuditEntry]
    next_steps: dict[str, str]
    source_label: str


def _fields(pairs: list[tuple[str, object]]) -> Text:
    """Label: value lines, the values kept literal (they were typed by people)."""
    text = Text()
    for label, value in pairs:
        shown = "" if value is None else str(value)
        if not shown.strip():
            continue
        text.append(f"{label}: ", style="bold")
        text.append(shown)
        text.append("\n")
    if not text.plain:
        text.append("(nothing recorded)", style="italic")
    text.rstrip()
    return text


def _entry(entry: AuditEntry, loaded: Loaded) -> tuple[Text, Text]:
    """One audit entry as a heading (when, what, who) and its changes in plain English."""
    head = Text()
    head.append(format_local(entry.at, with_seconds=True), style="bold")
    head.append("  ")
    head.append(action_label(entry.action, entry.entity), style="bold")
    head.append("  by ")
    head.append(str(entry.username))
    body = Text(no_wrap=False)
    changes = describe_changes(
        entry.before,
        entry.after,
        user_names=loaded.detail.user_names,
        next_steps=loaded.next_steps,
    )
    for change in changes:
        body.append(f"{change.label}: ", style="bold")
        if change.old:
            body.append(change.old)
            body.append(f" {ARROW} ", style="bold")
            body.append(change.new or BLANK, style="" if change.new else "italic")
        else:
            body.append(change.new)
        body.append("\n")
    reason = str(entry.reason or "").strip()
    if reason and reason not in {str(v).strip() for v in (entry.after or {}).values()}:
        words = {"amend": "Reason: ", "authorise": "Manager's note: "}
        body.append(words.get(entry.action, "Comment: "), style="bold")
        body.append(reason)
        body.append("\n")
    if not body.plain:
        body.append("(no details recorded)", style="italic")
    body.rstrip()
    return head, body


class ManagerDetailScreen(ManagerActions, Screen[None]):
    """The contact in full, with the manager's acts on it."""

    CSS_PATH = "manager.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "authorise", "Authorise"),
        Binding("t", "return", "Return"),
        Binding("o", "override", "Override"),
        Binding("g", "reassign", "Reassign"),
        Binding("m", "amend", "Amend"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.loaded: Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="md-top"):
            yield Literal("Loading the contact...", id="md-title")
            yield CountdownLabel(id="md-countdown")
        yield Static("", id="md-meta", markup=False)
        with VerticalScroll(id="md-body"):
            for key, title in (
                ("referrer", "Referrer and concern"),
                ("child", "Child"),
                ("consent", "Consent to share"),
                ("level", "Level of Need"),
                ("decision", "Decision and Signs of Safety"),
                ("oversight", "Management oversight"),
                ("checks", "Partner checks"),
                ("household", "Household"),
            ):
                yield Static(title, classes="section")
                yield Static("", id=f"md-{key}", markup=False)
            yield Static("Earlier contacts about this child", classes="section")
            yield DataTable(id="md-earlier", cursor_type="row", show_cursor=False)
            yield Static("Change history", classes="section")
            yield Vertical(id="md-history")
        yield Footer()

    def on_mount(self) -> None:
        earlier = self.query_one("#md-earlier", DataTable)
        for label in ("Reference", "Received", "State", "Level", "Next step", "Within 12 months"):
            earlier.add_column(label)
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @on(StoredDataChanged)
    def _stored_data_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        services = self.mash.services
        if services is None:
            return
        self.call_service(
            self._load, services, self.contact_id, done=self.show, group="manager-detail"
        )

    @staticmethod
    def _load(services: Services, contact_id: int) -> Loaded:
        from mash_tui.domain import codes
        from mash_tui.domain.levels import NEXT_STEPS

        detail = services.detail(contact_id)
        earlier = services.earlier_contacts(
            [detail.contact.child_id],
            exclude_contact_id=contact_id,
            at=detail.contact.received_at,
        )
        earlier = [e for e in earlier if e.received_at <= detail.contact.received_at]
        source = codes.lookup("sources", detail.contact.source_code)
        label = f"{source.code}: {source.label}" if source else detail.contact.source_code
        return Loaded(detail, earlier, services.history(contact_id), dict(NEXT_STEPS), label)

    def show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        d = loaded.detail
        c, child = d.contact, d.child
        self.query_one("#md-title", Literal).set_text(
            f"{c.reference}  {child.first_name} {child.last_name}"
        )
        self.query_one("#md-countdown", CountdownLabel).set_deadline(c.deadline_at, c.authorised_at)
        level = f"Level {c.level}" if c.level is not None else "no level yet"
        self.query_one("#md-meta", Static).update(
            f"{label_of(c.state)} | RAG {c.priority.upper()} | {level} | "
            f"with {d.name_of(c.assigned_to_id) or 'nobody'} | received "
            f"{format_local(c.received_at)} | due {format_local(c.deadline_at)}"
        )
        step = loaded.next_steps.get(c.next_step or "", c.next_step or "")
        sections: dict[str, list[tuple[str, object]]] = {
            "referrer": [
                ("Received", format_local(c.received_at)),
                ("Entered", f"{format_local(c.entered_at)} by {d.name_of(c.entered_by_id)}"),
                ("Source", loaded.source_label),
                ("Referrer", c.referrer_name),
                ("Agency", c.referrer_agency),
                ("Role", c.referrer_role),
                ("Phone", c.referrer_phone),
                ("Email", c.referrer_email),
                ("Factors", ", ".join(code_label("factors", f) for f in c.factors)),
                ("Concern", c.concern),
            ],
            "child": [
                ("Name", f"{child.first_name} {child.last_name}"),
                ("Child ID", child.unique_id),
                (
                    "Date of birth",
                    child.date_of_birth.strftime("%d/%m/%Y") if child.date_of_birth else "",
                ),
                (
                    "Unborn, expected",
                    child.expected_date.strftime("%d/%m/%Y")
                    if child.unborn and child.expected_date
                    else "",
                ),
                ("Gender", code_label("genders", child.gender or "")),
                ("Ethnicity", code_label("ethnicities", child.ethnicity or "")),
                ("Address", f"{child.address} {child.postcode}".strip()),
                ("School", child.school),
                ("NHS number", child.nhs_number),
                ("Siblings on this referral", ", ".join(s.reference for s in d.siblings)),
            ],
            "consent": [
                ("Outcome", (c.consent_outcome or "not recorded").replace("_", " ")),
                ("Sought by", c.consent_sought_by),
                ("Sought from", c.consent_sought_from),
                ("How", c.consent_method),
                ("Recorded", format_local(c.consent_recorded_at)),
                ("Override grounds", c.override_grounds),
                ("Lawful basis", c.override_lawful_basis),
                ("Override rationale", c.override_rationale),
                (
                    "Override authorised",
                    f"{format_local(c.override_authorised_at)} by {d.name_of(c.override_authorised_by_id)}"
                    if c.override_authorised_by_id
                    else ("NOT YET - needs a manager" if needs_override(c.consent_outcome) else ""),
                ),
                ("Manager's note on the override", c.override_note),
            ],
            "level": [
                ("Level", c.level),
                ("Framework", f"{c.framework_id} {c.framework_version}".strip()),
                ("Rationale", c.level_rationale),
            ],
            "decision": [
                ("Next step", step),
                ("Analysis", c.analysis),
                ("What are we worried about", c.sos_worried),
                ("What's working well", c.sos_working_well),
                ("What needs to happen", c.sos_needs_to_happen),
                ("Safety scale (0-10)", c.sos_scale),
                ("Why the level and next step differ", c.mismatch_justification),
                (
                    "Decided",
                    f"{format_local(c.decided_at)} by {d.name_of(c.decided_by_id)}"
                    if c.decided_at
                    else "",
                ),
            ],
            "oversight": [
                ("Submitted", format_local(c.submitted_at)),
                (
                    "Authorised",
                    f"{format_local(c.authorised_at)} by {d.name_of(c.authorised_by_id)}"
                    if c.authorised_at
                    else "not yet",
                ),
                ("Manager's note", c.authorisation_note),
                (
                    "Separation of duties",
                    "AUTHORISED BY THE PERSON WHO DECIDED (allowed by the council's settings)"
                    if c.self_authorised
                    else "",
                ),
                ("Returned with", c.return_comment),
                ("Referrer told", format_local(c.referrer_informed_at)),
                (
                    "Moves",
                    "; ".join(
                        f"{format_local(t.at)} {label_of(t.from_state)} "
                        f"{ARROW} {label_of(t.to_state)} by {d.name_of(t.by_id)}"
                        + (f" ({t.comment})" if t.comment else "")
                        for t in d.transitions
                    ),
                ),
            ],
            "checks": [
                (
                    f"{p.agency} ({format_local(p.checked_at)})",
                    f"asked: {p.requested}; shared: {p.shared or '-'}; why: {p.purpose}",
                )
                for p in d.partner_checks
            ],
            "household": [(m.name, f"{m.relationship} {m.notes}".strip()) for m in d.household],
        }
        for key, pairs in sections.items():
            self.query_one(f"#md-{key}", Static).update(_fields(pairs))
        earlier = self.query_one("#md-earlier", DataTable)
        earlier.clear()
        for e in loaded.earlier:
            earlier.add_row(
                Text(e.reference),
                Text(format_local(e.received_at)),
                Text(label_of(e.state)),
                Text(str(e.level) if e.level is not None else "-"),
                Text(loaded.next_steps.get(e.next_step or "", "-")),
                Text(
                    "yes (repeat)" if e.within_12_months else "no",
                    style="bold" if e.within_12_months else "",
                ),
            )
        if not loaded.earlier:
            earlier.add_row(Text("none"), Text(""), Text(""), Text(""), Text(""), Text(""))
        history = self.query_one("#md-history", Vertical)
        history.remove_children()
        blocks: list[Static] = []
        for entry in loaded.history:
            head, body = _entry(entry, loaded)
            blocks.append(Static(head, classes="md-when", markup=False))
            blocks.append(Static(body, classes="md-what", markup=False))
        if not blocks:
            blocks.append(Static("(no changes recorded)", classes="md-what", markup=False))
        history.mount_all(blocks)

    def action_target(self) -> Target | None:
        if self.loaded is None:
            return None
        c = self.loaded.detail.contact
        assert c.id is not None
        name = self.loaded.detail.name_of(c.assigned_to_id)
        return Target(c.id, c.reference, c.version, name)

    def changed(self) -> None:
        self.reload()
