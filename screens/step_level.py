"""Provides the Level of Need step: a level chosen with the framework's own descriptors beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from mash_tui.domain.levels import NEXT_STEPS
from mash_tui.messages import Edited
from mash_tui.uistate import (
    level_from_payload,
)
from mash_tui.widgets import FormField, Literal, literal

from .step_form import StepForm, text_area

if TYPE_CHECKING:
    from mash_tui.domain.levels import Framework, Level
    from mash_tui.services import ContactDetail, Services


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
            text_area("level_rationale"),
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
        self.post_message(Edited())

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
        self.set_area("level_rationale", payload.get("rationale", ""))
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
