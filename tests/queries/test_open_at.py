"""Contacts open at an instant, read either side of the authorised-at index, for weeks long past."""

from __future__ import annotations

from typing import Any

import pytest
from builders import AS_AT, W47, Made, build_w47, make_contact, utc

from mash_tui.domain.clock import FrozenClock
from mash_tui.queries import conditions
from mash_tui.queries.drilldown import drilldown, figure_keys
from mash_tui.queries.weekly import IsoWeek, weekly_summary
from mash_tui.services import Services

OLD = IsoWeek(2025, 46)  # Monday 10 to Sunday 16 November 2025, a year before W47.

# The contacts open at an instant received within this many days before it are read from
# the received-at index, the others from the long-stay index: by default P (received ten
# days before OLD ends) is found in the long-stay index; with ALL_RECENT every contact is
# read from the received-at index, a plain reading of the definition to compare with.
ALL_RECENT = 100_000


@pytest.fixture
def long_past(services: Services, clock: FrozenClock) -> dict[str, Made]:
    """W47's contacts, and contacts open across a week a year earlier, one of them for a year."""
    m = build_w47(services, clock)
    # P: received the Friday before OLD and decided a year later, so it is open (past its
    # deadline) at the end of every week from OLD to 2026-W46.
    m["P"] = make_contact(services, clock, utc(2025, 11, 7, 9), authorised=utc(2026, 11, 17, 9))
    # Q: red, received in OLD and decided five weeks later: open past its deadline at the end.
    m["Q"] = make_contact(
        services, clock, utc(2025, 11, 12, 9), priority="red", authorised=utc(2025, 12, 17, 9)
    )
    # R: received late on OLD's Sunday, decided on Tuesday: open within its deadline at the end.
    m["R"] = make_contact(services, clock, utc(2025, 11, 16, 20), authorised=utc(2025, 11, 18, 9))
    # S: received in OLD and never decided.
    m["S"] = make_contact(services, clock, utc(2025, 11, 13, 9), step=None)
    clock.set(AS_AT)
    return m


def names_of(m: dict[str, Made], references: list[str]) -> str:
    by_reference = {made.reference: name for name, made in m.items()}
    return "".join(sorted(by_reference[r] for r in references))


def test_a_week_long_past_counts_what_its_drilldown_lists(
    services: Services, long_past: dict[str, Made]
) -> None:
    summary = weekly_summary(services, OLD, as_at=AS_AT)
    expected = {
        "received": "JQRS",
        "decided": "J",
        "open_at_start": "P",
        "open_at_end": "PQRS",
        "open_past_deadline": "PQS",
        "open_within_deadline": "R",
    }
    for key, names in expected.items():
        listed = drilldown(services, OLD, key, as_at=AS_AT)
        assert (key, names_of(long_past, [r.reference for r in listed])) == (key, names)
        assert summary.count(key) == len(names), key
    for key in figure_keys(summary):
        listed = drilldown(services, OLD, key, as_at=AS_AT)
        assert (key, len(listed)) == (key, summary.figure(key).count)
    assert all(summary.reconciliation().values())
    late = {late.reference for late in summary.late if late.status == "open"}
    assert names_of(long_past, sorted(late)) == "PQS"


def test_the_trend_counts_a_contact_open_for_a_year_in_every_week(
    services: Services, long_past: dict[str, Made]
) -> None:
    week = W47.shift(-1)
    points = weekly_summary(services, week, as_at=AS_AT).trend
    for point in points:
        own = weekly_summary(services, IsoWeek.parse(point.week), as_at=AS_AT, with_trend=False)
        assert point.open_past_deadline == own.count("open_past_deadline"), point.week
        listed = drilldown(services, point.week, "open_past_deadline", as_at=AS_AT)
        assert {long_past["P"].reference, long_past["S"].reference} <= {r.reference for r in listed}


def _everything(services: Services) -> dict[str, Any]:
    """Every figure, trend point, late contact and drill-down for weeks old and new."""
    out: dict[str, Any] = {}
    for week in (OLD.shift(-1), OLD, OLD.shift(1), OLD.shift(5), W47.shift(-1), W47, W47.shift(1)):
        summary = weekly_summary(services, week, as_at=AS_AT)
        out[week.label] = summary.to_dict()
        for key in figure_keys(summary):
            listed = drilldown(services, week, key, as_at=AS_AT)
            out[f"{week.label} {key}"] = [r.reference for r in listed]
    return out


def test_both_ways_of_reading_the_open_contacts_give_the_same_figures(
    services: Services, long_past: dict[str, Made], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding long stays in their own index, or reading every receipt before an instant,
    must agree."""
    assert conditions.RECENT_DAYS == 7
    direct = _everything(services)
    monkeypatch.setattr(conditions, "RECENT_DAYS", ALL_RECENT)
    from_before = _everything(services)
    assert direct.keys() == from_before.keys()
    for key in direct:
        assert direct[key] == from_before[key], key
    assert direct[OLD.label]["figures"]["open_at_end"]["count"] == 4
