"""Provides one contact, worked through its steps: consent, Level of Need, decision, submission."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    RadioSet,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from mash_tui.domain import rules
from mash_tui.domain.clock import to_local
from mash_tui.domain.errors import first_line
from mash_tui.domain.states import is_editable, is_returned, is_with_manager, label_of
from mash_tui.messages import Edited, StoredDataChanged
from mash_tui.uistate import check_from_payload
from mash_tui.widgets import (
    CountdownLabel,
    DraftAutosave,
    DraftSlot,
    Literal,
    ServiceCaller,
    first_field,
    focus_now,
    live_table,
    poll_queue,
)

from .commands import PaletteCommand, ScreenCommands
from .steps import ConsentForm, DecisionForm, LevelForm, StepForm

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.services import ContactDetail, Services

STEP_TABS = {"consent": "step-consent", "level": "step-level", "decision": "step-decision"}


def _short(at: Any) -> str:
    """UK day and time without the year, so the header fits 80 columns."""
    return str(to_local(at).strftime("%d/%m %H:%M"))


class ContactHeader(Vertical):
    """Who the contact is about, where it stands, and its clock, always in view."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="ch-top"):
            yield Literal("Loading contact...", id="ch-title")
            yield CountdownLabel(id="ch-countdown")
        yield Static("", id="ch-meta")
        yield Literal("", id="ch-returned", classes="returned")

    def on_mount(self) -> None:
        self.query_one("#ch-returned").display = False

    def show(self, detail: ContactDetail) -> None:
        c = detail.contact
        child = detail.child
        title = f"{c.reference}  {child.first_name} {child.last_name}"
        if detail.siblings:
            title += f"  (+{len(detail.siblings)} sibling contact{'s' if len(detail.siblings) > 1 else ''})"
        if detail.repeats:
            title += f"  REPEAT: {detail.repeats} earlier in 12 months"
        self.query_one("#ch-title", Literal).set_text(title)
        state = label_of(c.state)
        level = f"Level {c.level}" if c.level is not None else "no level yet"
        self.query_one("#ch-meta", Static).update(
            f"{state} | {c.priority.upper()} | {level} | received {_short(c.received_at)} "
            f"| due {_short(c.deadline_at)}"
        )
        self.query_one("#ch-countdown", CountdownLabel).set_deadline(c.deadline_at, c.authorised_at)
        returned = self.query_one("#ch-returned", Literal)
        if is_returned(c.state) and c.return_comment:
            returned.set_text(f"Returned by your manager: {c.return_comment}")
            returned.display = True
        else:
            returned.display = False


class ContactCommands(ScreenCommands):
    """The palette on a contact: save, submit, move between steps, log a check, leave."""

    def commands(self) -> list[PaletteCommand]:
        screen = self.screen
        assert isinstance(screen, ContactScreen)
        return [
            PaletteCommand("Save this step", "Record the step you are on", screen.action_save_step),
            PaletteCommand(
                "Submit for authorisation", "Send the decision to a manager", screen.action_submit
            ),
            PaletteCommand("Go to consent", "Step 1", partial(screen.action_step, "consent")),
            PaletteCommand("Go to Level of Need", "Step 2", partial(screen.action_step, "level")),
            PaletteCommand("Go to decision", "Step 3", partial(screen.action_step, "decision")),
            PaletteCommand(
                "Log a partner check", "Record what a partner agency shared", screen.log_check
            ),
            PaletteCommand(
                "Back to my contacts", "Leave; unsaved text stays as a draft", screen.action_leave
            ),
        ]


class ContactScreen(DraftAutosave, ServiceCaller, Screen[None]):
    """A contact's screening steps as tabs, each saved on its own, then sent to a manager."""

    COMMANDS = {ContactCommands}
    AUTO_FOCUS = None  # the first field of the step shown, never the tab strip

    BINDINGS = [
        Binding("ctrl+s", "save_step", "Save step"),
        Binding("ctrl+t", "submit", "Submit"),
        # Priority: they change the step from inside any field, a text box included (whose
        # own F6/F7 would select its text), whatever has focus.
        Binding("f5", "step('consent')", "Consent", priority=True),
        Binding("f6", "step('level')", "Level", priority=True),
        Binding("f7", "step('decision')", "Decision", priority=True),
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(
        self, contact_id: int, payload: dict[str, Any] | None = None, draft_id: int | None = None
    ) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.restore = payload
        self.draft = DraftSlot("contact", draft_id, contact_id)
        self.detail: ContactDetail | None = None
        self.version: int | None = None
        self._stored: dict[str, Any] | None = None
        self._last_saved: dict[str, Any] | None = None
        self._finished = False
        self._filling = False
        self._signature: Any = None  # the queue signature the shown record was read at
        self._consent_blocked: StepForm | None = None  # a form showing "consent first"

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ContactHeader(id="contact-header")
        yield Static("", id="contact-banner", classes="form-error")
        with TabbedContent(id="steps"):
            with TabPane("1 Consent", id="step-consent"):
                yield ConsentForm(id="consent-form")
            with TabPane("2 Level of Need", id="step-level"):
                yield LevelForm(id="level-form")
            with TabPane("3 Decision", id="step-decision"):
                yield DecisionForm(id="decision-form")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#contact-banner").display = False
        services = self.mash.services
        if services is not None:
            self.query_one(LevelForm).set_framework(services.framework)
        self.reload()
        self.set_interval(live_table.REFRESH_SECONDS, self.poll)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None:
            return
        self.call_service(self._load, services, identity.login, done=self._loaded, group="load")

    def _load(self, services: Services, login: str) -> tuple[ContactDetail, Any]:
        self._signature = services.queue_signature()  # first, so a later change moves it
        detail = services.detail(self.contact_id)
        draft = None
        if self.restore is None:
            draft = next(
                (
                    d
                    for d in services.drafts(login)
                    if d.contact_id == self.contact_id and d.kind == "contact"
                ),
                None,
            )
        return detail, draft

    def _loaded(self, loaded: tuple[ContactDetail, Any]) -> None:
        detail, draft = loaded
        first_load = self.detail is None
        self.detail = detail
        self.version = detail.contact.version
        self.query_one(ContactHeader).show(detail)
        self._filling = True
        try:
            for form in self.forms():
                form.fill_from(detail)
            self._stored = self.payload()
            restore = self.restore
            if restore is None and draft is not None:
                restore = draft.payload
                self.draft.draft_id = draft.id
            if restore is not None and restore != self._stored:
                self._apply(restore)
                self.notify("Your unsaved text for this contact is back.", title="Draft restored")
            self.restore = None
            self._last_saved = self.payload()
        finally:
            self.call_after_refresh(self._done_filling)
        self._refresh_level(detail)
        if first_load:
            self.focus_step()  # filled now: what is typed from here on is kept
        self._show_read_only(detail)
        self._clear_stale(detail)

    def _show_read_only(self, detail: ContactDetail) -> None:
        read_only = not is_editable(detail.contact.state)
        for form in self.forms():
            form.set_read_only(read_only)
        if read_only:
            self.banner(
                "With a manager for authorisation: read only."
                if is_with_manager(detail.contact.state)
                else "Authorised: the contact has left the MASH. Read only."
            )
        else:
            self.banner(None)

    def _done_filling(self) -> None:
        self._filling = False

    def _refresh_level(self, detail: ContactDetail) -> None:
        services = self.mash.services
        c = detail.contact
        level = None
        if services is not None and c.level is not None:
            try:
                level = services.framework_for(c).level(c.level)
            except Exception:
                level = None
        self.query_one(DecisionForm).set_level(level)

    def forms(self) -> list[StepForm]:
        return [
            self.query_one(ConsentForm),
            self.query_one(LevelForm),
            self.query_one(DecisionForm),
        ]

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {form.step: form.payload() for form in self.forms()}
        out["check"] = self.query_one(ConsentForm).check_payload()
        out["reference"] = self.detail.contact.reference if self.detail else ""
        return out

    def _apply(self, payload: dict[str, Any]) -> None:
        for form in self.forms():
            if isinstance(payload.get(form.step), dict):
                form.fill(payload[form.step])
        if isinstance(payload.get("check"), dict):
            self.query_one(ConsentForm).fill_check(payload["check"])

    def banner(self, message: str | None) -> None:
        box = self.query_one("#contact-banner", Static)
        box.update(message or "")
        box.display = bool(message)

    # ------------------------------------------------------------------ drafts
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(Edited)
    def _changed(self) -> None:
        if self._finished or self._filling or self.detail is None:
            return
        self.schedule_draft()

    def save_draft(self) -> None:
        """Keep the typed text of every step (not yet saved to the contact) as a draft."""
        if self._finished or self.detail is None or not self.is_mounted:
            return
        if not is_editable(self.detail.contact.state):
            return  # read only: nothing typed here can be saved, so nothing is kept
        payload = self.payload()
        if payload == self._last_saved:
            return
        self._last_saved = payload
        services = self.mash.services
        identity = self.mash.identity
        if services is None or identity is None:
            return
        clean = payload == self._stored
        self.call_service(
            self._write_draft,
            services,
            identity.login,
            payload,
            clean,
            failed=self.draft_failed,
            group="draft",
        )

    def _write_draft(
        self, services: Services, login: str, payload: dict[str, Any], clean: bool
    ) -> None:
        if clean:  # back to what is stored: nothing left to keep
            if not self.draft.finished:
                self.draft.discard(services, login)
            return
        self.draft.write(services, login, payload)

    # ------------------------------------------------------------------ saving
    def current_form(self) -> StepForm:
        active = self.query_one("#steps", TabbedContent).active
        for form in self.forms():
            if STEP_TABS[form.step] == active:
                return form
        return self.query_one(ConsentForm)

    @on(Button.Pressed, ".save-step")
    def _save_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "log-check":
            self.log_check()
        else:
            form = next(f for f in self.forms() if f in event.button.ancestors)
            self.save_form(form)

    def action_save_step(self) -> None:
        if self._read_only_said():
            return
        self.save_form(self.current_form())

    def _read_only_said(self) -> bool:
        """Say at once that nothing here can be saved, rather than doing nothing."""
        if self.detail is None or is_editable(self.detail.contact.state):
            return False
        where = (
            "it is with a manager for authorisation"
            if is_with_manager(self.detail.contact.state)
            else "it is authorised and has left the MASH"
        )
        self.notify(
            f"{self.detail.contact.reference} is read only: {where}.",
            title="Not saved",
            severity="warning",
        )
        return True

    def save_form(self, form: StepForm, then: Any = None) -> None:
        """Check what can be read here, then let the service judge and record it."""
        if self.version is None:
            return
        value, errors = form.build()
        if self._consent_blocked is form:
            self._consent_blocked = None
        if value is None:
            form.show_errors(errors)
            return
        form.clear_errors()
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(
            form.save,
            services,
            identity.login,
            self.contact_id,
            self.version,
            value,
            done=lambda contact: self._saved(form, contact, then),
            failed=lambda exc: self._refused(form, exc),
        )

    def _saved(self, form: StepForm, contact: Any, then: Any = None) -> None:
        self.version = contact.version
        if self._stored is not None:
            self._stored[form.step] = form.payload()
        self.notify(f"{form.title} saved.")
        self.banner(None)
        self.save_draft()
        if then is not None:
            then()
            return
        self.reload_after_save()
        order = ["consent", "level", "decision"]
        index = order.index(form.step)
        if index < 2:
            self.action_step(order[index + 1])

    def reload_after_save(self) -> None:
        """Show the stored record again (state, level, override status) without touching forms."""
        services = self.mash.services
        if services is None:
            return
        self.call_service(services.detail, self.contact_id, done=self._header_only, group="load")

    def _header_only(self, detail: ContactDetail) -> None:
        self.version = detail.contact.version
        self._show_stored(detail)

    def _show_stored(self, detail: ContactDetail) -> None:
        """What others may change (state, override status, checks, level), leaving typed text."""
        self.detail = detail
        self.query_one(ContactHeader).show(detail)
        self.query_one(ConsentForm).show_status(detail)
        self.query_one(ConsentForm).show_checks(detail)
        self._refresh_level(detail)
        self._clear_stale(detail)

    def _clear_stale(self, detail: ContactDetail) -> None:
        """Take down a "consent first" refusal once the stored consent settles it."""
        c = detail.contact
        settled = not rules.check_consent_settled(
            c.consent_outcome, c.override_grounds, c.override_rationale, c.override_authorised_by_id
        )
        if settled and self._consent_blocked is not None:
            self._consent_blocked.clear_errors()
            self._consent_blocked = None

    # ------------------------------------------------------------------ live refresh
    def poll(self) -> None:
        """Every few seconds, read the record again only if anybody changed anything."""
        services = self.mash.services
        if services is None or self.detail is None or self._finished:
            return
        poll_queue(self, services, self._signature, self._read, self._refreshed, group="poll")

    def _read(self, services: Services) -> tuple[Any, ContactDetail]:
        signature = services.queue_signature()
        return signature, services.detail(self.contact_id)

    def _refreshed(self, read: tuple[Any, ContactDetail]) -> None:
        """Someone changed the contact: show it, and fill the forms only if nothing can be typed."""
        signature, detail = read
        self._signature = signature
        if self.detail is None or self._finished:
            return
        if detail.contact.version == self.detail.contact.version:
            return  # the change was to another contact
        if not is_editable(self.detail.contact.state):
            self._loaded((detail, None))  # read only until now: nothing typed to keep
            return
        # The version the forms were filled at stays: a save over it is judged field by field.
        self._show_stored(detail)
        if not is_editable(detail.contact.state):
            self._show_read_only(detail)  # submitted elsewhere: nothing here can be saved now

    def _refused(self, form: StepForm, exc: BaseException) -> None:
        from mash_tui.domain.errors import (
            ConsentRequired,
            JustificationRequired,
            MashError,
            StaleVersion,
            ValidationFailed,
        )

        if isinstance(exc, ValidationFailed):
            form.show_errors(exc.errors)
        elif isinstance(exc, JustificationRequired) and isinstance(form, DecisionForm):
            form.force_justification()
            form.show_errors({"mismatch_justification": exc.message})
        elif isinstance(exc, StaleVersion):
            self.banner(f"{exc.message} (Ctrl+R reloads; your text stays in the draft)")
        elif isinstance(exc, ConsentRequired):
            form.show_errors({"": exc.message})
            self._consent_blocked = form
        elif isinstance(exc, MashError):
            form.show_errors({exc.field or "": exc.message})
        else:
            form.show_errors({"": first_line(exc)})

    def log_check(self) -> None:
        consent = self.query_one(ConsentForm)
        value, errors = check_from_payload(consent.check_payload())
        if value is None:
            consent.show_errors({f"check_{k}": v for k, v in errors.items()})
            return
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(
            services.log_partner_check,
            identity.login,
            self.contact_id,
            value,
            done=self._check_logged,
            failed=self._check_refused,
        )

    def _check_logged(self, _row: Any) -> None:
        consent = self.query_one(ConsentForm)
        consent.clear_errors()
        consent.fill_check({})
        self.notify("Partner check logged.")
        self.reload_after_save()

    def _check_refused(self, exc: BaseException) -> None:
        from mash_tui.domain.errors import ValidationFailed

        consent = self.query_one(ConsentForm)
        if isinstance(exc, ValidationFailed):
            consent.show_errors({f"check_{k}": v for k, v in exc.errors.items()})
        else:
            consent.show_errors({"": first_line(exc)})

    # ------------------------------------------------------------------ submit
    def action_submit(self) -> None:
        """Record the decision as typed, then send the contact to a manager."""
        if self._read_only_said():
            return
        self.action_step("decision")
        self.save_form(self.query_one(DecisionForm), then=self._submit_now)

    def _submit_now(self) -> None:
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None and self.version is not None
        self.call_service(
            services.submit,
            identity.login,
            self.contact_id,
            self.version,
            done=self._submitted,
            failed=lambda exc: self._refused(self.query_one(DecisionForm), exc),
        )

    def _submitted(self, contact: Any) -> None:
        self._finished = True
        self.draft.finish()
        self.stop_drafts()
        services = self.mash.services
        identity = self.mash.identity
        assert services is not None and identity is not None
        self.call_service(self.draft.discard, services, identity.login, group="draft")
        self.notify(f"{contact.reference} sent to a manager for authorisation.", title="Submitted")
        self.app.pop_screen()

    # ------------------------------------------------------------------ navigation
    def action_step(self, step: str) -> None:
        self.query_one("#steps", TabbedContent).active = STEP_TABS[step]
        self.focus_step()

    def focus_step(self) -> None:
        """Focus the first field of the step shown, at once, so the next key lands there."""
        focus_now(first_field(self.current_form()))

    def action_reload(self) -> None:
        self.reload()

    @on(StoredDataChanged)
    def _stored_data_changed(self) -> None:
        self.reload()

    def action_leave(self) -> None:
        self.save_draft()
        self.app.pop_screen()
