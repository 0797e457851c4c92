"""Provides the decision step: the next step, its analysis and the Signs of Safety scale."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Input,
    Select,
    Static,
    TextArea,
)

from mash_tui.domain.levels import NEXT_STEPS
from mash_tui.uistate import (
    decision_from_payload,
)
from mash_tui.widgets import FormField, Literal

from .step_form import StepForm, select_value, text_area

if TYPE_CHECKING:
    from mash_tui.domain.levels import Level
    from mash_tui.services import ContactDetail, Services


class DecisionForm(StepForm):
    """The next step with its analysis, in Signs of Safety's three columns and scale."""

    step = "decision"
    title = "Decision"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.level: Level | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-error")
        yield FormField(
            "Next step",
            Select(
                [(label, key) for key, label in NEXT_STEPS.items()],
                prompt="Choose the next step",
                id="next_step",
            ),
            key="next_step",
        )
        yield FormField("Analysis behind the decision", text_area("analysis"), key="analysis")
        with Horizontal(classes="sos"):
            yield FormField(
                "What are we worried about?", text_area("sos_worried"), key="sos_worried"
            )
            yield FormField(
                "What's working well?", text_area("sos_working_well"), key="sos_working_well"
            )
            yield FormField(
                "What needs to happen?", text_area("sos_needs_to_happen"), key="sos_needs_to_happen"
            )
        yield FormField(
            "Safety scale (0-10)",
            Input(type="integer", max_length=2, id="sos_scale", placeholder="0-10"),
            key="sos_scale",
            hint="0 = certain the child will be harmed again; 10 = safe enough to close.",
        )
        with Vertical(id="justify", classes="override"):
            yield Literal("", id="fit-note", classes="subsection")
            yield FormField(
                "Justification (required)",
                text_area("mismatch_justification"),
                key="mismatch_justification",
            )
        with Horizontal(classes="button-bar"):
            yield Button("Save decision (Ctrl+S)", id="save-decision", classes="save-step")
            yield Button(
                "Submit for authorisation (Ctrl+T)",
                id="submit",
                variant="primary",
                classes="save-step",
            )

    def on_mount(self) -> None:
        self.query_one(".form-error").display = False
        self.check_fit()

    def set_level(self, level: Level | None) -> None:
        self.level = level
        self.check_fit()

    @on(Select.Changed, "#next_step")
    def check_fit(self) -> None:
        """Show the justification box when the level and the next step do not usually go together."""
        step = select_value(self.query_one("#next_step", Select))
        box = self.query_one("#justify")
        if self.level is not None and step and not self.level.fits(step):
            self.query_one("#fit-note", Literal).set_text(
                f"Level {self.level.number} ({self.level.name}) does not usually lead to "
                f"'{NEXT_STEPS[step]}': say why this is the right step."
            )
            box.display = True
        elif self.level is not None and step:
            # A step that fits needs no justification: the box and its refusal go (any text
            # typed in it stays in the hidden box and the draft, and comes back with a misfit).
            box.remove_class("-forced")
            self.field_map()["mismatch_justification"].set_error(None)
            box.display = False
        else:
            box.display = bool(
                self.query_one("#mismatch_justification", TextArea).text.strip()
            ) or (box.has_class("-forced"))

    def force_justification(self) -> None:
        box = self.query_one("#justify")
        box.add_class("-forced")
        box.display = True

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "next_step": select_value(self.query_one("#next_step", Select)),
            "sos_scale": self.query_one("#sos_scale", Input).value,
        }
        for name in (
            "analysis",
            "sos_worried",
            "sos_working_well",
            "sos_needs_to_happen",
            "mismatch_justification",
        ):
            out[name] = self.query_one(f"#{name}", TextArea).text
        return out

    def fill(self, payload: dict[str, Any]) -> None:
        step = payload.get("next_step") or ""
        self.query_one("#next_step", Select).value = step if step in NEXT_STEPS else Select.NULL
        self.set_input("sos_scale", payload.get("sos_scale", ""))
        for name in (
            "analysis",
            "sos_worried",
            "sos_working_well",
            "sos_needs_to_happen",
            "mismatch_justification",
        ):
            self.set_area(name, payload.get(name, ""))
        self.check_fit()

    def fill_from(self, detail: ContactDetail) -> None:
        c = detail.contact
        self.fill(
            {
                "next_step": c.next_step or "",
                "sos_scale": "" if c.sos_scale is None else str(c.sos_scale),
                "analysis": c.analysis,
                "sos_worried": c.sos_worried,
                "sos_working_well": c.sos_working_well,
                "sos_needs_to_happen": c.sos_needs_to_happen,
                "mismatch_justification": c.mismatch_justification,
            }
        )

    def build(self) -> tuple[Any, dict[str, str]]:
        return decision_from_payload(self.payload())

    def save(
        self, services: Services, login: str, contact_id: int, version: int, value: Any
    ) -> Any:
        return services.record_decision(login, contact_id, version, value)
