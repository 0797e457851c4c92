"""The weekly timeliness report in the app: figures, a 12-week trend and drill-down to contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from mash_tui.domain.clock import format_local
from mash_tui.domain.errors import first_line
from mash_tui.widgets import ServiceCaller, literal

if TYPE_CHECKING:
    from mash_tui.app import MashApp
    from mash_tui.domain.weeks import IsoWeek
    from mash_tui.queries.drilldown import ContactRef
    from mash_tui.queries.weekly import TrendPoint, WeeklySummary
    from mash_tui.services import Services

BAR_WIDTH = 20


def trend_chart(points: list[TrendPoint], width: int = BAR_WIDTH) -> Text:
    """One line per week: a bar of decided-within-target %, with the numbers beside it."""
    from mash_tui.queries.weekly_formats import bar

    text = Text()
    heading = "Week".ljust(10) + "Within target".ljust(7 + width) + "  Decided  Late  Open late\n"
    text.append(heading, style="bold")
    for point in points:
        percent = point.within_target_percent
        shown = f"{percent:5.1f}%" if percent is not None else f"{'-':>6}"
        text.append(f"{point.week}  {shown} ")
        text.append(bar(percent or 0.0, 100.0, width).ljust(width), style="green")
        text.append(
            f"  {point.decided:>7}  {point.breached_deadline:>4}  {point.open_past_deadline:>9}\n"
        )
    text.rstrip()
    return text


class WeeklyReportScreen(ServiceCaller, Screen[None]):
    """A week's figures: pick a week, read the figures, open the contacts behind any of them."""

    CSS_PATH = "manager.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left_square_bracket", "shift(-1)", "Previous week"),
        Binding("right_square_bracket", "shift(1)", "Next week"),
        Binding("enter", "drill", "Contacts behind"),
        Binding("v", "toggle_trend", "Trend / figures"),
    ]

    NARROW = 130  # below this width the figures and the trend take turns

    def __init__(self, week: str | None = None) -> None:
        super().__init__()
        self.initial = week
        self.summary: WeeklySummary | None = None
        self.week: IsoWeek | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="wr-body"):
            with Horizontal(id="wr-bar"):
                yield Button("< ([)", id="wr-prev", classes="small")
                yield Input(placeholder="YYYY-Www", id="wr-week", compact=True)
                yield Button("(]) >", id="wr-next", classes="small")
            yield Static("", id="wr-period", markup=False)
            yield Static("", id="wr-error", markup=False)
            with Horizontal(id="wr-main"):
                table: DataTable[Any] = DataTable(id="wr-figures", cursor_type="row")
                yield table
                with Vertical(id="wr-side"):
                    yield Static("Trend over 12 weeks", classes="section")
                    yield Static("", id="wr-trend", markup=False)
                    yield Static("", id="wr-hint", markup=False)
        yield Footer()

    @property
    def mash(self) -> MashApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        from mash_tui.domain.weeks import IsoWeek

        table = self.query_one("#wr-figures", DataTable)
        for key, label in (("count", "Count"), ("pct", "%"), ("figure", "Figure")):
            table.add_column(label, key=key)
        self.query_one("#wr-error").display = False
        self.query_one("#wr-hint", Static).update(
            "Enter on a figure lists the contacts behind it; Enter on a contact opens it."
        )
        text = self.initial or IsoWeek.containing(self.mash.clock.now()).shift(-1).label
        self.query_one("#wr-week", Input).value = text
        self.load(text)
        table.focus()

    # ------------------------------------------------------------------ loading
    def load(self, text: str) -> None:
        """Read the week's figures in a thread worker; a bad week is said under the box."""
        from mash_tui.domain.weeks import IsoWeek

        try:
            week = IsoWeek.parse(text)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        services = self.mash.services
        if services is None:
            return
        self.week = week
        self.query_one("#wr-period", Static).update(f"Loading {week.label}...")
        self.call_service(self._compute, services, week, done=self.show, group="weekly-report")

    @staticmethod
    def _compute(services: Services, week: IsoWeek) -> WeeklySummary:
        return services.weekly_summary(week)

    def show_error(self, message: str) -> None:
        box = self.query_one("#wr-error", Static)
        box.update(literal(message))
        box.display = True

    def show(self, summary: WeeklySummary) -> None:
        from mash_tui.queries.figures import SECTIONS, SPLITS

        self.summary = summary
        self.query_one("#wr-error").display = False
        week = summary.week
        state = "complete" if summary.complete else "in progress"
        self.query_one("#wr-period", Static).update(
            f"Mon {week.monday:%d/%m/%Y} to Sun {week.sunday:%d/%m/%Y} ({week.hours:g} h), "
            f"as at {format_local(summary.as_at)} ({state}); target {summary.target_hours:g} h"
        )
        table = self.query_one("#wr-figures", DataTable)
        table.clear()
        if summary.is_empty:
            table.add_row("", "", Text(f"No contacts were received or decided in {week.label}."))
        for section, keys in SECTIONS:
            table.add_row("", "", Text(section, style="bold underline"), key=f"section:{section}")
            for key in keys:
                fig = summary.figures[key]
                percent = f"{fig.percent:.1f}%" if fig.percent is not None else ""
                table.add_row(
                    Text(str(fig.count), justify="right"),
                    Text(percent, justify="right"),
                    Text("  " + fig.label),
                    key=key,
                )
            if section.startswith("Timeliness"):
                for key, label, value in (
                    ("hours.median", "Median hours to decision", summary.median_hours),
                    ("hours.p90", "90th percentile hours to decision", summary.p90_hours),
                ):
                    shown = "-" if value is None else f"{value:.2f}"
                    table.add_row(
                        Text(shown, justify="right"),
                        "",
                        Text("  " + label),
                        key=f"section:{key}",
                    )
        for dimension, rows in summary.splits.items():
            title = f"Decided by {SPLITS[dimension].phrase} (% within target)"
            table.add_row("", "", Text(title, style="bold underline"), key=f"section:{dimension}")
            for row in rows:
                in_target = row.within_target_percent
                table.add_row(
                    Text(str(row.decided), justify="right"),
                    Text(f"{in_target:.1f}%" if in_target is not None else "", justify="right"),
                    Text(f"  {row.label}"),
                    key=row.key,
                )
        self.query_one("#wr-trend", Static).update(trend_chart(summary.trend))

    # ------------------------------------------------------------------ layout
    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < self.NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The trend key only matters when the figures and the trend take turns."""
        if action == "toggle_trend":
            return self.has_class("-narrow")
        return True

    def action_toggle_trend(self) -> None:
        """On a narrow terminal, show the 12-week trend in place of the figures and back."""
        self.toggle_class("-show-trend")
        if not self.has_class("-show-trend"):
            self.query_one("#wr-figures", DataTable).focus()

    # ------------------------------------------------------------------ week choice
    @on(Input.Submitted, "#wr-week")
    def _week_typed(self, event: Input.Submitted) -> None:
        self.load(event.value)
        self.query_one("#wr-figures", DataTable).focus()

    def action_shift(self, weeks: int) -> None:
        if self.week is None:
            return
        week = self.week.shift(weeks)
        if week.start > self.mash.clock.now():
            self.notify(f"{week.label} has not started yet.")
            return
        self.query_one("#wr-week", Input).value = week.label
        self.load(week.label)

    @on(Button.Pressed, "#wr-prev")
    def _prev(self) -> None:
        self.action_shift(-1)

    @on(Button.Pressed, "#wr-next")
    def _next(self) -> None:
        self.action_shift(1)

    # ------------------------------------------------------------------ drill-down
    def selected_figure(self) -> str | None:
        table = self.query_one("#wr-figures", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None or str(key).startswith("section:"):
            return None
        return str(key)

    @on(DataTable.RowSelected, "#wr-figures")
    def action_drill(self) -> None:
        key = self.selected_figure()
        services = self.mash.services
        if key is None or self.summary is None or services is None:
            return
        summary = self.summary
        label = summary.figure(key).label

        def listed(refs: list[ContactRef]) -> None:
            self.app.push_screen(DrilldownScreen(summary.week.label, label, refs))

        def failed(exc: BaseException) -> None:
            self.notify(first_line(exc), severity="error")

        self.call_service(
            self._drill, services, summary, key, done=listed, failed=failed, group="drill"
        )

    @staticmethod
    def _drill(services: Services, summary: WeeklySummary, key: str) -> list[ContactRef]:
        return services.drilldown(summary.week, key, as_at=summary.as_at)


class DrilldownScreen(Screen[None]):
    """The contacts behind one figure, by reference; Enter opens one."""

    CSS_PATH = "manager.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, week: str, label: str, refs: list[ContactRef]) -> None:
        super().__init__()
        self.week = week
        self.label = label
        self.refs = refs

    def compose(self) -> ComposeResult:
        from mash_tui.domain.states import label_of

        yield Header()
        count = len(self.refs)
        yield Static(
            f"{self.week}: {self.label} - {count} contact{'s' if count != 1 else ''}",
            id="dd-title",
            markup=False,
        )
        table: DataTable[Any] = DataTable(id="dd-table", cursor_type="row", zebra_stripes=True)
        for label in ("Reference", "State", "RAG", "Received", "Deadline", "Authorised"):
            table.add_column(label)
        for ref in self.refs:
            table.add_row(
                Text(ref.reference),
                Text(label_of(ref.state)),
                Text(ref.priority.upper()),
                Text(format_local(ref.received_at)),
                Text(format_local(ref.deadline_at)),
                Text(format_local(ref.authorised_at) or "-"),
                key=str(ref.id),
            )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dd-table", DataTable).focus()

    @on(DataTable.RowSelected, "#dd-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from .manager_detail import ManagerDetailScreen

        key = event.row_key.value
        if key is not None:
            self.app.push_screen(ManagerDetailScreen(int(key)))
