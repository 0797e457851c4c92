"""Provides what a manager does to a contact (authorise, return, override, reassign), from any screen.

Each act goes through Services in a thread worker; the service layer checks the rule
and writes the audit entry (who and when). A refusal comes back as the service's own
sentence: inline in the dialog when one is open, so typed text is never lost, or as a
notification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from mash_tui.domain import rules
from mash_tui.domain.errors import ValidationFailed, first_line
from mash_tui.domain.oversight import AMENDABLE_LABELS, parse_amendment
from mash_tui.domain.states import ConsentOutcome, ContactState, needs_override, why_not_move
from mash_tui.widgets import Literal, ServiceCaller, literal

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.services import Services

AUTHORISED = ContactState.AUTHORISED


@dataclass(frozen=True)
class Target:
    """The contact an act is aimed at, with the version the manager was looking at."""

    id: int
    reference: str
    version: int
    assigned_to: str = ""
    # What the screen showing it already knows, so a dialog that cannot succeed is not opened.
    state: str = ""
    consent_outcome: str | None = None
    override_pending: bool | None = None  # None: not known until the contact is read


class ReturnModal(ServiceCaller, ModalScreen[bool]):
    """Type the comment for the screener; the dialog stays open (text kept) until it is saved."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Return"),
    ]

    def __init__(self, target: Target, send: Callable[[str], Any]) -> None:
        super().__init__(classes="modal")
        self.target = target
        self.send = send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"Return {self.target.reference} to its screener", classes="dialog-title")
            yield Static("What needs to change before it can be authorised?", markup=False)
            yield TextArea(id="return-text")
            yield Static("", id="return-error", classes="field-error-inline", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Return (Ctrl+S)", id="send", variant="warning")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#return-error").display = False
        self.query_one("#return-text", TextArea).focus()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        comment = self.query_one("#return-text", TextArea).text
        self.call_service(self.send, comment, done=self._sent, failed=self._refused)

    def _sent(self, _result: Any) -> None:
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        box = self.query_one("#return-error", Static)
        box.update(literal(first_line(exc)))
        box.display = True
        self.query_one("#return-text", TextArea).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def note_rule(reasons: list[str]) -> str:
    """The line above the note box: whether a note is required, and why, in plain words."""
    if reasons:
        return "A note is required because " + "; ".join(reasons) + "."
    return "A note is optional here: add one if there is anything the record should say."


class NoteModal(ServiceCaller, ModalScreen[bool]):
    """Authorise a decision or a consent override with the manager's note for the record.

    The question is shown in full, the rule for the note inline above the box (required
    when late or when the level and next step differ), and a refusal inline below it, so
    the note typed is never lost.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Authorise"),
    ]

    def __init__(
        self,
        question: str,
        reasons: list[str],
        yes: str,
        send: Callable[[str], Any],
    ) -> None:
        super().__init__(classes="modal")
        self.question = question
        self.reasons = reasons
        self.yes = yes
        self.send = send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.question, classes="dialog-text", markup=False)
            yield Static(note_rule(self.reasons), id="note-rule", markup=False)
            yield TextArea(id="note-text")
            yield Static("", id="note-error", classes="field-error-inline", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (Ctrl+S)", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note-error").display = False
        self.query_one("#note-text", TextArea).focus()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        note = self.query_one("#note-text", TextArea).text
        self.call_service(self.send, note, done=self._sent, failed=self._refused)

    def _sent(self, _result: Any) -> None:
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        message = (
            exc.errors.get("note", first_line(exc))
            if isinstance(exc, ValidationFailed)
            else first_line(exc)
        )
        box = self.query_one("#note-error", Static)
        box.update(literal(message))
        box.display = True
        self.query_one("#note-text", TextArea).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class AmendModal(ServiceCaller, ModalScreen[bool]):
    """Amend one field of an authorised contact, with the reason the history keeps."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Amend"),
    ]

    def __init__(
        self,
        target: Target,
        current: Callable[[str], str],
        send: Callable[[str, Any, str], Any],
    ) -> None:
        super().__init__(classes="modal")
        self.target = target
        self.current = current
        self.send = send

    def compose(self) -> ComposeResult:
        options = [(label, name) for name, label in AMENDABLE_LABELS.items()]
        with Vertical(classes="dialog wide"):
            yield Static(f"Amend {self.target.reference} (authorised)", classes="dialog-title")
            yield Select(options, prompt="Choose what to change", id="amend-field")
            yield Input(placeholder="New value", id="amend-value")
            yield Static("Why is it amended? (kept in the history)", markup=False)
            yield Input(placeholder="Reason", id="amend-reason")
            yield Static("", id="amend-error", classes="field-error-inline", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Amend (Ctrl+S)", id="send", variant="warning")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#amend-error").display = False
        self.query_one("#amend-field", Select).focus()

    @on(Select.Changed, "#amend-field")
    def _field_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#amend-value", Input).value = self.current(event.value)

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        name = self.query_one("#amend-field", Select).value
        if not isinstance(name, str):
            self._refused(ValueError("choose what to change"))
            return
        try:
            value = parse_amendment(name, self.query_one("#amend-value", Input).value)
        except ValueError as exc:
            self._refused(exc)
            return
        reason = self.query_one("#amend-reason", Input).value
        self.call_service(self.send, name, value, reason, done=self._sent, failed=self._refused)

    def _sent(self, _result: Any) -> None:
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        box = self.query_one("#amend-error", Static)
        box.update(literal(first_line(exc)))
        box.display = True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ReassignModal(ServiceCaller, ModalScreen[bool]):
    """Pick another active user for the contact."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, target: Target, people: list[tuple[str, str]], send: Callable[[str], Any]
    ) -> None:
        super().__init__(classes="modal")
        self.target = target
        self.people = people
        self.send = send

    def compose(self) -> ComposeResult:
        options = [(literal(name), login) for name, login in self.people]
        with Vertical(classes="dialog"):
            yield Static(f"Reassign {self.target.reference}", classes="dialog-title")
            yield Literal(f"Now with: {self.target.assigned_to or 'nobody'}")
            yield Select(options, prompt="Choose a screener", id="reassign-to")
            yield Static("", id="reassign-error", classes="field-error-inline", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Reassign", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reassign-error").display = False
        self.query_one("#reassign-to", Select).focus()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        chosen = self.query_one("#reassign-to", Select).value
        if not isinstance(chosen, str):
            self._refused(ValueError("choose who should take the contact"))
            return
        self.call_service(self.send, chosen, done=self._sent, failed=self._refused)

    def _sent(self, _result: Any) -> None:
        self.dismiss(True)

    def _refused(self, exc: BaseException) -> None:
        box = self.query_one("#reassign-error", Static)
        box.update(literal(first_line(exc)))
        box.display = True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def decision_summary(contact: Any, limit: int = 300) -> str:
    """The decision as the manager is asked to authorise it, in a few plain lines."""
    from mash_tui.domain.levels import NEXT_STEPS

    def short(text: str | None) -> str:
        flat = " ".join((text or "").split()) or "(none written)"
        return flat if len(flat) <= limit else flat[: limit - 3] + "..."

    step = contact.next_step
    lines = [
        f"Authorise the decision on {contact.reference}? The contact leaves the MASH "
        "and its clock stops.",
        "",
        f"Level of Need: {contact.level if contact.level is not None else '(none)'}",
        f"Next step: {NEXT_STEPS.get(step, step) if step else '(none)'}",
        f"Analysis: {short(contact.analysis)}",
        f"Safety scale: {contact.sos_scale if contact.sos_scale is not None else '-'} / 10",
    ]
    if contact.mismatch_justification:
        lines.append(f"Why the level and next step differ: {short(contact.mismatch_justification)}")
    outcome = (contact.consent_outcome or "not recorded").replace("_", " ")
    if needs_override(contact.consent_outcome):
        authorised = contact.override_authorised_at is not None
        outcome += "; sharing without consent " + ("authorised" if authorised else "NOT authorised")
    lines.append(f"Consent: {outcome}")
    return "\n".join(lines)


class ManagerActions(ServiceCaller):
    """Authorise, return, override and reassign for whichever contact a screen has in view.

    A screen mixes this in and provides `action_target()` and `changed()`.
    """

    def action_target(self) -> Target | None:
        raise NotImplementedError

    def changed(self) -> None:
        """Called after an act succeeded (reload what is shown)."""

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[attr-defined]

    def _login(self) -> str | None:
        identity = self.mash.identity
        return identity.login if identity is not None else None

    def _ready(self) -> tuple[Services, str, Target] | None:
        services = self.mash.services
        login = self._login()
        target = self.action_target()
        if services is None or login is None:
            return None
        if target is None:
            self.mash.notify("Choose a contact first.")
            return None
        return services, login, target

    def _done(self, message: str) -> Callable[[Any], None]:
        def finish(_result: Any) -> None:
            self.mash.notify(message, title="Recorded")
            self.changed()

        return finish

    def _refused(self, exc: BaseException) -> None:
        self.mash.notify(first_line(exc), title="Not done", severity="error", timeout=8)
        self.changed()

    def action_authorise(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        services, _login, target = ready
        if target.state and self._cannot(target.reference, why_not_move(target.state, AUTHORISED)):
            return
        self.call_service(
            services.get, target.id, done=lambda c: self._confirm_authorise(c, target)
        )

    def _cannot(self, reference: str, why: str) -> bool:
        """Say at once why an act cannot succeed (and open no dialog for it)."""
        if why:
            self.mash.notify(f"{reference} {why}.", title="Not possible", severity="warning")
        return bool(why)

    def _confirm_authorise(self, contact: Any, target: Target) -> None:
        """Show what is being authorised, so nobody approves a decision they have not read,
        with the box for the manager's note and whether the rules require one."""
        services = self.mash.services
        login = self._login()
        if services is None or login is None:
            return
        if self._cannot(target.reference, why_not_move(contact.state, AUTHORISED)):
            return
        unsettled = rules.check_consent_settled(
            contact.consent_outcome,
            contact.override_grounds,
            contact.override_rationale,
            contact.override_authorised_by_id,
        )
        if self._cannot(
            target.reference,
            f"cannot be authorised: {''.join(unsettled.values())}" if unsettled else "",
        ):
            return

        def send(note: str) -> Any:
            # Exactly the version shown in the question.
            return services.authorise(login, target.id, contact.version, note)

        def closed(sent: bool | None) -> None:
            if sent:
                self._done(f"{target.reference} authorised: it has left the MASH.")(None)

        reasons = services.note_reasons(contact)
        self.mash.push_screen(
            NoteModal(decision_summary(contact), reasons, "Authorise", send), closed
        )

    def action_return(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        services, login, target = ready

        def send(comment: str) -> Any:
            return services.return_contact(login, target.id, target.version, comment)

        def closed(sent: bool | None) -> None:
            if sent:
                self._done(f"{target.reference} returned to its screener.")(None)

        self.mash.push_screen(ReturnModal(target, send), closed)

    def action_override(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        services, _login, target = ready
        if target.override_pending is False:  # the list already shows none waits
            already = needs_override(target.consent_outcome)
            self._cannot(
                target.reference,
                "has its consent override authorised already"
                if already
                else "has no consent override to authorise",
            )
            return
        self.call_service(services.get, target.id, done=lambda c: self._confirm_override(c, target))

    def _confirm_override(self, contact: Any, target: Target) -> None:
        services = self.mash.services
        login = self._login()
        if services is None or login is None:
            return
        problems = rules.check_override_authorisable(
            contact.consent_outcome,
            contact.override_grounds,
            contact.override_rationale,
            contact.override_authorised_by_id,
        )
        if self._cannot(target.reference, next(iter(problems.values()), "")):
            return
        outcome = ConsentOutcome(contact.consent_outcome).label.lower()
        question = (
            f"Authorise sharing without consent on {target.reference}?\n"
            f"Consent: {outcome}\nGrounds: {contact.override_grounds}\n"
            f"Lawful basis: {contact.override_lawful_basis}\n"
            f"Rationale: {contact.override_rationale}"
        )

        def send(note: str) -> Any:
            return services.authorise_override(login, target.id, contact.version, note)

        def closed(sent: bool | None) -> None:
            if sent:
                self._done(f"Consent override on {target.reference} authorised.")(None)

        reasons = services.note_reasons(contact, override=True)
        self.mash.push_screen(NoteModal(question, reasons, "Authorise override", send), closed)

    def action_amend(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        services, _login, target = ready
        self.call_service(services.get, target.id, done=lambda c: self._amend(c, target))

    def _amend(self, contact: Any, target: Target) -> None:
        services = self.mash.services
        login = self._login()
        if services is None or login is None:
            return

        def current(name: str) -> str:
            from mash_tui.domain.clock import format_local

            value: Any = getattr(contact, name, "")
            if name == "factors":
                return "; ".join(value or [])
            if name in ("received_at", "referrer_informed_at"):
                return format_local(value) if value else ""
            return "" if value is None else str(value)

        def send(name: str, value: Any, reason: str) -> Any:
            return services.amend(login, target.id, contact.version, {name: value}, reason)

        def closed(sent: bool | None) -> None:
            if sent:
                self._done(f"{target.reference} amended.")(None)

        self.mash.push_screen(AmendModal(target, current, send), closed)

    def action_reassign(self) -> None:
        ready = self._ready()
        if ready is None:
            return
        services, login, target = ready

        def people(users: list[Any]) -> None:
            choices = [(f"{u.display_name} ({u.username})", u.username) for u in users]

            def send(to: str) -> Any:
                return services.reassign(login, target.id, target.version, to)

            def closed(sent: bool | None) -> None:
                if sent:
                    self._done(f"{target.reference} reassigned.")(None)

            self.mash.push_screen(ReassignModal(target, choices, send), closed)

        self.call_service(services.screeners, done=people)
