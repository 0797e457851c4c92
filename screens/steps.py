"""The three screening steps after intake, each a form with its own inline errors.

Consent, Level of Need and Decision are separate steps because each is recorded
(and audited) on its own; the contact screen shows them as tabs and saves one at a
time through the service layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from mash_tui.domain.clock import format_local
from mash_tui.domain.levels import NEXT_STEPS
from mash_tui.uistate import (
    CONSENT_OUTCOMES,
    consent_from_payload,
    decision_from_payload,
    level_from_payload,
)
from mash_tui.widgets import FormField, FormMixin, Literal, edited, field_rows, literal

if TYPE_CHECKING:
    from mash_tui.domain.levels import Framework, Level
    from mash_tui.services import ContactDetail, Services


def _area(id: str) -> TextArea:
    return TextArea("", id=id, soft_wrap=True, show_line_numbers=False)


def _value(select: Select[Any]) -> Any:
    return "" if select.value is Select.NULL else select.value


class StepForm(FormMixin, VerticalScroll):
    """A step of screening: read its typed values, fill them back, and save them."""

    step = ""
    title = ""

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def fill(self, payload: dict[str, Any]) -> None:
        raise NotImplementedError

    def fill_from(self, detail: ContactDetail) -> None:
        raise NotImplementedError

    def build(self) -> tuple[Any, dict[str, str]]:
        raise NotImplementedError

    def save(
        self, services: Services, login: str, contact_id: int, version: int, value: Any
    ) -> Any:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for button in self.query(".save-step"):
            button.disabled = read_only

    def _set_input(self, id: str, value: Any) -> None:
        self.query_one(f"#{id}", Input).value = "" if value is None else str(value)

    def _set_area(self, id: str, value: Any) -> None:
        self.query_one(f"#{id}", TextArea).load_text("" if value is None else str(value))


# ---------------------------------------------------------------------- consent
class ConsentForm(StepForm):
    """Consent to share: sought or not, the outcome, and the grounds when it was not given."""

    step = "consent"
    title = "Consent"

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-error")
        yield FormField(
            "Consent to share information",
            RadioSet(
                *[RadioButton(label, id=f"outcome-{value}") for label, value in CONSENT_OUTCOMES],
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
            yield FormField("Grounds", _area("grounds"), key="grounds")
            yield FormField(
                "Lawful basis",
                Input(
                    placeholder="e.g. Children Act 1989 s47; UK GDPR Art 6(1)(e)", id="lawful_basis"
                ),
                key="lawful_basis",
            )
            yield FormField(
                "Rationale for overriding consent",
                _area("rationale"),
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
        pressed = self.query_one("#outcome", RadioSet).pressed_button
        return str(pressed.id).removeprefix("outcome-") if pressed is not None else ""

    @on(RadioSet.Changed, "#outcome")
    def _show_override(self) -> None:
        self.query_one("#override").display = self.outcome in ("refused", "not_sought")

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
            self._set_input(f"check_{name}", payload.get(name, ""))

    def fill(self, payload: dict[str, Any]) -> None:
        outcome = payload.get("outcome") or ""
        for button in self.query(RadioButton):
            button.value = button.id == f"outcome-{outcome}"
        for name in ("sought_by", "sought_from", "method", "lawful_basis"):
            self._set_input(name, payload.get(name, ""))
        for name in ("grounds", "rationale"):
            self._set_area(name, payload.get(name, ""))
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
        if c.consent_outcome in ("refused", "not_sought"):
            if c.override_authorised_by_id is None:
                text = "Override status: WAITING for a manager's authorisation (decision blocked until then)"
            else:
                text = (
                    f"Override status: AUTHORISED by {detail.name_of(c.override_authorised_by_id)} "
                    f"at {format_local(c.override_authorised_at)}"
                )
        elif c.consent_outcome == "given":
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


# ---------------------------------------------------------------------- level of need
class LevelForm(StepForm):
    """The Level of Need, chosen with the framework's own descriptors beside it."""

    step = "level"
    title = "Level of Need"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.framework: Framework | None = None
        self.chosen: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-error")
        yield Literal("", id="framework-line", classes="status")
        yield Input(placeholder="Search the descriptors (e.g. neglect, housing)", id="level-search")
        with Horizontal(id="level-pick"):
            yield FormField("Levels (Enter to choose)", OptionList(id="levels"), key="level")
            with VerticalScroll(id="level-descriptors"):
                yield Literal("", id="level-text")
        yield Literal("No level chosen yet.", id="level-chosen", classes="status")
        yield FormField(
            "Why this level fits",
            _area("level_rationale"),
            key="rationale",
        )
        yield Button("Save level (Ctrl+S)", id="save-level", variant="primary", classes="save-step")

    def on_mount(self) -> None:
        self.query_one(".form-error").display = False

    def set_framework(self, framework: Framework) -> None:
        self.framework = framework
        self.query_one("#framework-line", Literal).set_text(
            f"Framework: {framework.name} (id {framework.id}, version {framework.version})"
        )
        self._list(framework.levels)

    def _list(self, levels: tuple[Level, ...] | list[Level]) -> None:
        options = self.query_one("#levels", OptionList)
        options.clear_options()
        for level in levels:
            mark = "*" if level.number == self.chosen else " "
            options.add_option(
                Option(literal(f"{mark} {level.number} {level.name}"), id=str(level.number))
            )
        if levels:
            numbers = [level.number for level in levels]
            index = numbers.index(self.chosen) if self.chosen in numbers else 0
            options.highlighted = index
            self._describe(levels[index])
        else:
            self.query_one("#level-text", Literal).set_text("No level mentions that.")

    @on(Input.Changed, "#level-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        if self.framework is not None:
            self._list(self.framework.search(event.value))

    @on(OptionList.OptionHighlighted, "#levels")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = self.query_one("#levels", OptionList)
        if options.highlighted is None or options.option_count == 0:
            return  # a late message from before the search emptied the list
        option = options.get_option_at_index(options.highlighted)
        if self.framework is not None and option.id is not None:
            self._describe(self.framework.level(int(option.id)))

    @on(OptionList.OptionSelected, "#levels")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.choose(int(event.option.id))

    def choose(self, number: int | None) -> None:
        self.chosen = number
        chosen = self.query_one("#level-chosen", Literal)
        if number is None or self.framework is None:
            chosen.set_text("No level chosen yet.")
        else:
            level = self.framework.level(number)
            chosen.set_text(f"Chosen: Level {level.number} - {level.name}")
            search = self.query_one("#level-search", Input).value
            self._list(self.framework.search(search))
        edited(self)

    def _describe(self, level: Level) -> None:
        lines = [
            f"Level {level.number}: {level.name}",
            "",
            level.summary,
            "",
            f"Who leads: {level.service_response}",
        ]
        for domain, items in level.descriptors.items():
            lines.append("")
            lines.append(domain)
            lines.extend(f"  - {item}" for item in items)
        steps = ", ".join(NEXT_STEPS.get(s, s) for s in level.next_steps)
        lines += ["", f"Usual next steps: {steps}"]
        self.query_one("#level-text", Literal).set_text("\n".join(lines))

    def payload(self) -> dict[str, Any]:
        return {
            "level": self.chosen,
            "rationale": self.query_one("#level_rationale", TextArea).text,
        }

    def fill(self, payload: dict[str, Any]) -> None:
        level = payload.get("level")
        self._set_area("level_rationale", payload.get("rationale", ""))
        if self.framework is not None:
            self.choose(int(level) if level not in (None, "") else None)

    def fill_from(self, detail: ContactDetail) -> None:
        c = detail.contact
        self.fill({"level": c.level, "rationale": c.level_rationale})
        if c.framework_id:
            self.query_one("#framework-line", Literal).set_text(
                f"Framework: {self.framework.name if self.framework else ''} "
                f"(id {self.framework.id if self.framework else ''}, version "
                f"{self.framework.version if self.framework else ''}); this contact's level was "
                f"recorded against {c.framework_id} version {c.framework_version}"
            )

    def build(self) -> tuple[Any, dict[str, str]]:
        return level_from_payload(self.payload())

    def save(
        self, services: Services, login: str, contact_id: int, version: int, value: Any
    ) -> Any:
        return services.set_level(login, contact_id, version, value)


# ---------------------------------------------------------------------- decision
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
        yield FormField("Analysis behind the decision", _area("analysis"), key="analysis")
        with Horizontal(classes="sos"):
            yield FormField("What are we worried about?", _area("sos_worried"), key="sos_worried")
            yield FormField(
                "What's working well?", _area("sos_working_well"), key="sos_working_well"
            )
            yield FormField(
                "What needs to happen?", _area("sos_needs_to_happen"), key="sos_needs_to_happen"
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
                _area("mismatch_justification"),
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
        step = _value(self.query_one("#next_step", Select))
        box = self.query_one("#justify")
        if self.level is not None and step and not self.level.fits(step):
            self.query_one("#fit-note", Literal).set_text(
                f"Level {self.level.number} ({self.level.name}) does not usually lead to "
                f"'{NEXT_STEPS[step]}': say why this is the right step."
            )
            box.display = True
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
            "next_step": _value(self.query_one("#next_step", Select)),
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
        self._set_input("sos_scale", payload.get("sos_scale", ""))
        for name in (
            "analysis",
            "sos_worried",
            "sos_working_well",
            "sos_needs_to_happen",
            "mismatch_justification",
        ):
            self._set_area(name, payload.get(name, ""))
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
