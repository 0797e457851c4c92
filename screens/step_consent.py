"""Provides the consent step: the outcome, and the grounds for sharing when it was not given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import (
    Button,
    Input,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from mash_tui.domain.clock import format_local
from mash_tui.domain.states import ConsentOutcome, needs_override
from mash_tui.uistate import (
    CONSENT_OUTCOMES,
    consent_from_payload,
)
from mash_tui.widgets import Choice, Choices, FormField, Literal, field_rows, literal

from .step_form import StepForm, text_area

if TYPE_CHECKING:
    from mash_tui.services import ContactDetail, Services


class ConsentForm(StepForm):
    """Consent to share: sought or not, the outcome, and the grounds when it was not given."""

    step = "consent"
    title = "Consent"

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-error")
        yield FormField(
            "Consent to share information",
            Choices(
                *[Choice(label, id=f"outcome-{value}") for label, value in CONSENT_OUTCOMES],
                id="outcome",
            ),
            key="outcome",
        )
        yield from field_rows(
            [
                FormField("Sought by", Input(id="sought_by"), key="sought_by"),
                FormField("Sought from", Input(id="sought_from"), key="sought_from"),
                FormField(
                    "How", Input(placeholder="phone, in person, email", id="method"), key="method"
                ),
            ],
            3,
        )
        with Vertical(id="override", classes="override"):
            yield Static(
                "Proceeding without consent: a manager must authorise this override.",
                classes="subsection",
            )
            yield FormField("Grounds", text_area("grounds"), key="grounds")
            yield FormField(
                "Lawful basis",
                Input(
                    placeholder="e.g. Children Act 1989 s47; UK GDPR Art 6(1)(e)", id="lawful_basis"
                ),
                key="lawful_basis",
            )
            yield FormField(
                "Rationale for overriding consent",
                text_area("rationale"),
                key="rationale",
                hint="Explain the risk in your own words (at least 8 words).",
            )
        yield Static("", id="override-status", classes="status")
        yield Button(
            "Save consent (Ctrl+S)", id="save-consent", variant="primary", classes="save-step"
        )
        yield Static("Partner checks", classes="section")
        yield Literal("No partner checks logged yet.", id="checks-list")
        yield from field_rows(
            [
                FormField(
                    "Agency",
                    Input(placeholder="police, health, education...", id="check_agency"),
                    key="check_agency",
                ),
                FormField(
                    "When (UK time, blank = now)",
                    Input(placeholder="dd/mm/yyyy HH:MM", id="check_checked_at"),
                    key="check_checked_at",
                ),
                FormField("What was asked", Input(id="check_requested"), key="check_requested"),
                FormField("What was shared", Input(id="check_shared"), key="check_shared"),
            ]
        )
        yield FormField("Purpose", Input(id="check_purpose"), key="check_purpose")
        yield Button("Log partner check", id="log-check", classes="save-step")

    def on_mount(self) -> None:
        self.query_one(".form-error").display = False
        self._show_override()

    @property
    def outcome(self) -> str:
        # The buttons' own values, not the set's pressed_button, which catches up only once
        # their Changed messages are handled: read straight after fill() it was stale, so
        # opening a contact saw a "change" and wrote a false draft.
        for button in self.query(RadioButton):
            if button.value:
                return str(button.id).removeprefix("outcome-")
        return ""

    @on(RadioSet.Changed, "#outcome")
    def _show_override(self) -> None:
        self.query_one("#override").display = needs_override(self.outcome)

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome}
        for name in ("sought_by", "sought_from", "method", "lawful_basis"):
            out[name] = self.query_one(f"#{name}", Input).value
        for name in ("grounds", "rationale"):
            out[name] = self.query_one(f"#{name}", TextArea).text
        return out

    def check_payload(self) -> dict[str, Any]:
        return {
            name: self.query_one(f"#check_{name}", Input).value
            for name in ("agency", "checked_at", "requested", "shared", "purpose")
        }

    def fill_check(self, payload: dict[str, Any]) -> None:
        for name in ("agency", "checked_at", "requested", "shared", "purpose"):
            self.set_input(f"check_{name}", payload.get(name, ""))

    def fill(self, payload: dict[str, Any]) -> None:
        outcome = payload.get("outcome") or ""
        for button in self.query(RadioButton):
            button.value = button.id == f"outcome-{outcome}"
        for name in ("sought_by", "sought_from", "method", "lawful_basis"):
            self.set_input(name, payload.get(name, ""))
        for name in ("grounds", "rationale"):
            self.set_area(name, payload.get(name, ""))
        self._show_override()

    def fill_from(self, detail: ContactDetail) -> None:
        c = detail.contact
        self.fill(
            {
                "outcome": c.consent_outcome or "",
                "sought_by": c.consent_sought_by,
                "sought_from": c.consent_sought_from,
                "method": c.consent_method,
                "grounds": c.override_grounds,
                "lawful_basis": c.override_lawful_basis,
                "rationale": c.override_rationale,
            }
        )
        self.show_status(detail)
        self.show_checks(detail)

    def show_status(self, detail: ContactDetail) -> None:
        c = detail.contact
        status = self.query_one("#override-status", Static)
        if needs_override(c.consent_outcome):
            if c.override_authorised_by_id is None:
                text = "Override status: WAITING for a manager's authorisation (decision blocked until then)"
            else:
                text = (
                    f"Override status: AUTHORISED by {detail.name_of(c.override_authorised_by_id)} "
                    f"at {format_local(c.override_authorised_at)}"
                )
        elif c.consent_outcome == ConsentOutcome.GIVEN:
            text = f"Consent recorded as given at {format_local(c.consent_recorded_at)}"
        else:
            text = "Consent not recorded yet."
        status.update(literal(text))

    def show_checks(self, detail: ContactDetail) -> None:
        lines = [
            f"{format_local(p.checked_at)}  {p.agency}: asked {p.requested!s}; "
            f"shared {p.shared or '-'}; purpose {p.purpose}"
            for p in detail.partner_checks
        ]
        self.query_one("#checks-list", Literal).set_text(
            "\n".join(lines) if lines else "No partner checks logged yet."
        )

    def build(self) -> tuple[Any, dict[str, str]]:
        return consent_from_payload(self.payload())

    def save(
        self, services: Services, login: str, contact_id: int, version: int, value: Any
    ) -> Any:
        return services.record_consent(login, contact_id, version, value)
