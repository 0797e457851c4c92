"""Provides the one registry of weekly figures: key, label, section, what it is a share of, SQL.

Each figure is counted over one *scope* (received in the week, decided in the week,
open at the week's start or end), narrowed by its own condition. The report's
aggregate queries, the drill-down, the reconciliation and every export format are
driven from ``FIGURES`` and ``SPLITS``, so adding a figure is one entry here. The
definitions are written out for people in docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from mash_tui.domain.deadlines import Priority
from mash_tui.domain.states import ConsentOutcome, NextStep

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from mash_tui.queries.conditions import WeekConditions

__all__ = [
    "FIGURES",
    "FIGURES_BY_KEY",
    "HOURS_SECTION",
    "SECTIONS",
    "SPLITS",
    "FigureDef",
    "Scope",
    "Section",
    "SplitDef",
    "condition_of",
    "figure_condition",
    "percent",
    "scope_condition",
    "split_label",
    "split_sort_key",
]


class Scope(Enum):
    """The set of contacts a figure is counted within; each is served by an index."""

    RECEIVED = "received"
    DECIDED = "decided"
    OPEN_AT_START = "open_at_start"
    OPEN_AT_END = "open_at_end"


class Section(Enum):
    """The report's sections, in the order every format shows them."""

    IN_OUT = "Contacts in and out"
    TIMELINESS = "Timeliness of the contacts decided this week"
    STILL_OPEN = "Still open at the end of the week"
    COHORT = "Contacts received this week, as they stood at the report time"
    CONSENT = "Consent and management oversight (contacts decided this week)"
    REPEAT = "Repeat contacts"

    @property
    def title(self) -> str:
        return self.value


# The section that also shows the median and 90th percentile hours to decision.
HOURS_SECTION = Section.TIMELINESS

Where = Callable[["WeekConditions"], "ColumnElement[bool]"]


@dataclass(frozen=True)
class FigureDef:
    """One weekly figure: counted within `scope` where `where` holds (everything if None)."""

    key: str
    label: str
    section: Section
    scope: Scope
    of: str | None = None
    where: Where | None = None


def _consent_figure(outcome: ConsentOutcome | None) -> FigureDef:
    code = outcome.value if outcome is not None else "not_recorded"
    words = outcome.label.lower() if outcome is not None else "not recorded"
    return FigureDef(
        f"consent.{code}",
        f"Consent {words}",
        Section.CONSENT,
        Scope.DECIDED,
        "decided",
        lambda q: q.consent(outcome),
    )


def _open_deadline(past: bool) -> Where:
    def where(q: WeekConditions) -> ColumnElement[bool]:
        deadline = q.t.c.deadline_at
        return deadline < q.cut if past else deadline >= q.cut

    return where


def _cohort_open(past_deadline: bool) -> Where:
    def where(q: WeekConditions) -> ColumnElement[bool]:
        from sqlalchemy import and_

        condition = q.open_at(q.as_at)
        return and_(condition, q.t.c.deadline_at < q.as_at) if past_deadline else condition

    return where


def _and(*parts: Where) -> Where:
    def where(q: WeekConditions) -> ColumnElement[bool]:
        from sqlalchemy import and_

        return and_(*(part(q) for part in parts))

    return where


def _not(part: Where) -> Where:
    return lambda q: ~part(q)


def _within_target(q: WeekConditions) -> ColumnElement[bool]:
    return q.within_target


def _breached(q: WeekConditions) -> ColumnElement[bool]:
    return q.breached


def _self_authorised(q: WeekConditions) -> ColumnElement[bool]:
    return q.t.c.self_authorised.is_(True)


def _noted(q: WeekConditions) -> ColumnElement[bool]:
    return q.t.c.authorisation_note != ""


def _decided_by_as_at(q: WeekConditions) -> ColumnElement[bool]:
    return q.decided_by_as_at


S, D = Scope.RECEIVED, Scope.DECIDED

# Every weekly figure, in the order the JSON export lists them.
FIGURES: tuple[FigureDef, ...] = (
    FigureDef("received", "Contacts received", Section.IN_OUT, S),
    FigureDef("decided", "Contacts decided (authorised) in the week", Section.IN_OUT, D),
    FigureDef(
        "decided_within_target",
        "Decided within the target hours",
        Section.TIMELINESS,
        D,
        "decided",
        _within_target,
    ),
    FigureDef(
        "decided_over_target",
        "Decided over the target hours",
        Section.TIMELINESS,
        D,
        "decided",
        _not(_within_target),
    ),
    FigureDef(
        "decided_within_deadline",
        "Decided by their own deadline",
        Section.TIMELINESS,
        D,
        "decided",
        _not(_breached),
    ),
    FigureDef(
        "breached_deadline",
        "Decided after their own deadline (breaches)",
        Section.TIMELINESS,
        D,
        "decided",
        _breached,
    ),
    FigureDef(
        "open_at_start", "Open at the start of the week", Section.IN_OUT, Scope.OPEN_AT_START
    ),
    FigureDef("open_at_end", "Open at the end of the week", Section.IN_OUT, Scope.OPEN_AT_END),
    FigureDef(
        "open_past_deadline",
        "Still open past their deadline at the end of the week",
        Section.STILL_OPEN,
        Scope.OPEN_AT_END,
        "open_at_end",
        _open_deadline(past=True),
    ),
    FigureDef(
        "open_within_deadline",
        "Still open within their deadline at the end of the week",
        Section.STILL_OPEN,
        Scope.OPEN_AT_END,
        "open_at_end",
        _open_deadline(past=False),
    ),
    FigureDef(
        "repeat_contacts",
        "Repeat contacts (same child within 12 months)",
        Section.REPEAT,
        S,
        "received",
        lambda q: q.repeat(),
    ),
    *(_consent_figure(outcome) for outcome in (*ConsentOutcome, None)),
    FigureDef(
        "overrides",
        "Consent overrides (refused or not sought)",
        Section.CONSENT,
        D,
        "decided",
        lambda q: q.override(),
    ),
    FigureDef(
        "overrides_with_rationale",
        "Overrides with a recorded rationale",
        Section.CONSENT,
        D,
        "overrides",
        lambda q: q.override_with_rationale(),
    ),
    FigureDef(
        "overrides_authorised",
        "Overrides authorised by a manager",
        Section.CONSENT,
        D,
        "overrides",
        lambda q: q.override_authorised(),
    ),
    FigureDef(
        "management_authorised",
        "Decisions with management authorisation recorded",
        Section.CONSENT,
        D,
        "decided",
        # A manager authorising their own decision is not management oversight of it.
        _and(lambda q: q.t.c.authorised_by_id.is_not(None), _not(_self_authorised)),
    ),
    FigureDef(
        "self_authorised",
        "Authorised by the person who decided",
        Section.CONSENT,
        D,
        "decided",
        _self_authorised,
    ),
    FigureDef(
        "oversight_noted",
        "Decisions with a written oversight note",
        Section.CONSENT,
        D,
        "decided",
        _noted,
    ),
    FigureDef(
        "breached_with_reason",
        "Decided after their deadline, with the manager's breach reason",
        Section.CONSENT,
        D,
        "breached_deadline",
        _and(_breached, _noted),
    ),
    FigureDef(
        "breached_without_reason",
        "Decided after their deadline, with no breach reason recorded",
        Section.CONSENT,
        D,
        "breached_deadline",
        _and(_breached, _not(_noted)),
    ),
    FigureDef(
        "cohort.decided",
        "Received this week: decided so far",
        Section.COHORT,
        S,
        "received",
        _decided_by_as_at,
    ),
    FigureDef(
        "cohort.decided_within_target",
        "Received this week: decided within the target hours",
        Section.COHORT,
        S,
        "cohort.decided",
        _and(_decided_by_as_at, _within_target),
    ),
    FigureDef(
        "cohort.breached_deadline",
        "Received this week: decided after their deadline",
        Section.COHORT,
        S,
        "cohort.decided",
        _and(_decided_by_as_at, _breached),
    ),
    FigureDef(
        "cohort.open",
        "Received this week: still open",
        Section.COHORT,
        S,
        "received",
        _cohort_open(past_deadline=False),
    ),
    FigureDef(
        "cohort.open_past_deadline",
        "Received this week: still open past their deadline",
        Section.COHORT,
        S,
        "cohort.open",
        _cohort_open(past_deadline=True),
    ),
)

FIGURES_BY_KEY: dict[str, FigureDef] = {figure.key: figure for figure in FIGURES}

# The sections in report order, each with its figure keys in registry order.
SECTIONS: list[tuple[str, list[str]]] = [
    (section.title, [f.key for f in FIGURES if f.section is section]) for section in Section
]


def percent(count: int, total: int) -> float | None:
    """A share in percent to one decimal place; None when there is nothing to take it of."""
    return round(100.0 * count / total, 1) if total else None


# ---------------------------------------------------------------- splits
@dataclass(frozen=True)
class SplitDef:
    """One way of splitting the decided contacts: by a column's value."""

    dimension: str
    title: str
    phrase: str
    column: str
    label: Callable[[str], str]
    rank: Callable[[str], tuple[int, Any]]


def _in_order(order: Callable[[], list[str]]) -> Callable[[str], tuple[int, Any]]:
    """Rank known codes in the given order and unknown ones after them by code."""

    def rank(code: str) -> tuple[int, Any]:
        known = order()
        return (0, known.index(code)) if code in known else (1, code)

    return rank


def _source_label(code: str) -> str:
    from mash_tui.domain import codes

    found = codes.lookup("sources", code)
    return f"{code}: {found.label}" if found else code


def _source_order() -> list[str]:
    from mash_tui.domain import codes

    return [s.code for s in codes.sources()]


def _next_step_label(code: str) -> str:
    try:
        return NextStep(code).label
    except ValueError:
        return code


SPLITS: dict[str, SplitDef] = {
    split.dimension: split
    for split in (
        SplitDef(
            "next_step",
            "Next step",
            "next step",
            "next_step",
            _next_step_label,
            _in_order(lambda: [step.value for step in NextStep]),
        ),
        SplitDef(
            "level",
            "Level of Need",
            "Level of Need",
            "level",
            "Level {}".format,
            lambda c: (0, int(c)),
        ),
        SplitDef(
            "source",
            "Contact source",
            "contact source",
            "source_code",
            _source_label,
            _in_order(_source_order),
        ),
        SplitDef(
            "priority",
            "RAG priority",
            "RAG priority",
            "priority",
            str.capitalize,
            _in_order(lambda: [p.value for p in Priority]),
        ),
    )
}
SPLIT_TAILS = (".within_target", ".breached_deadline")


def split_label(dimension: str, code: str) -> str:
    """The words for one value of a split ('none' is a value never recorded)."""
    if code == "none":
        return "Not recorded"
    return SPLITS[dimension].label(code)


def split_sort_key(dimension: str, code: str) -> tuple[int, Any]:
    """Known values in their own order, then unknown ones by code, then 'not recorded'."""
    if code == "none":
        return (2, "")
    return SPLITS[dimension].rank(code)


# ---------------------------------------------------------------- conditions
def scope_condition(q: WeekConditions, scope: Scope) -> ColumnElement[bool]:
    """The WHERE condition of a scope for one week."""
    if scope is Scope.RECEIVED:
        return q.received
    if scope is Scope.DECIDED:
        return q.decided
    return q.open_at(q.start if scope is Scope.OPEN_AT_START else q.cut)


def _unknown(key: str) -> KeyError:
    return KeyError(f"no figure '{key}' in the weekly report")


def _split_where(q: WeekConditions, key: str) -> ColumnElement[bool]:
    from sqlalchemy import and_

    dimension, _, rest = key[3:].partition(".")
    if dimension not in SPLITS or not rest:
        raise _unknown(key)
    tail = next((t for t in SPLIT_TAILS if rest.endswith(t)), "")
    code = rest[: len(rest) - len(tail)]
    column = q.t.c[SPLITS[dimension].column]
    value: ColumnElement[bool]
    if code == "none":
        value = column.is_(None)
    elif dimension == "level":
        try:
            value = column == int(code)
        except ValueError:
            raise _unknown(key) from None
    else:
        value = column == code
    if tail == ".within_target":
        return and_(value, q.within_target)
    if tail == ".breached_deadline":
        return and_(value, q.breached)
    return value


def condition_of(q: WeekConditions, key: str) -> tuple[Scope, ColumnElement[bool] | None]:
    """A figure's scope and its own condition within it; the drill-down and counts share them."""
    figure = FIGURES_BY_KEY.get(key)
    if figure is not None:
        return figure.scope, figure.where(q) if figure.where is not None else None
    if key.startswith("by_"):
        return Scope.DECIDED, _split_where(q, key)
    raise _unknown(key)


def figure_condition(q: WeekConditions, key: str) -> ColumnElement[bool]:
    """The whole WHERE condition of one figure: its scope and its own condition together."""
    from sqlalchemy import and_

    scope, where = condition_of(q, key)
    within = scope_condition(q, scope)
    return within if where is None else and_(within, where)
