"""Weekly timeliness figures against hand-computed fixtures, and every figure's drill-down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import W47, Made, build_w47, make_contact, utc

from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.deadlines import DeadlinePolicy, Timescale
from mash_tui.queries.drilldown import drilldown, figure_keys
from mash_tui.queries.weekly import IsoWeek, percentile, weekly_summary
from mash_tui.services import Services


@pytest.fixture
def w47(services: Services, clock: FrozenClock) -> dict[str, Made]:
    return build_w47(services, clock)


def refs(m: dict[str, Made], names: str) -> list[str]:
    return sorted(m[n].reference for n in names)


EXPECTED = {
    "received": ("BCDEFGIK", None),
    "decided": ("ABCDGI", None),
    "decided_within_target": ("BCDI", 66.7),
    "decided_over_target": ("AG", 33.3),
    "decided_within_deadline": ("BDI", 50.0),
    "breached_deadline": ("ACG", 50.0),
    "open_at_start": ("A", None),
    "open_at_end": ("EFK", None),
    "open_past_deadline": ("EK", 66.7),
    "open_within_deadline": ("F", 33.3),
    "repeat_contacts": ("GI", 25.0),
    "consent.given": ("ABGI", 66.7),
    "consent.refused": ("C", 16.7),
    "consent.not_sought": ("D", 16.7),
    "consent.not_recorded": ("", 0.0),
    "overrides": ("CD", 33.3),
    "overrides_with_rationale": ("CD", 100.0),
    "overrides_authorised": ("CD", 100.0),
    "management_authorised": ("ABCDGI", 100.0),
    "self_authorised": ("", 0.0),
    # The late ones (A, C, G) carry the manager's note: it is their breach reason.
    "oversight_noted": ("ACG", 50.0),
    "breached_with_reason": ("ACG", 100.0),
    "breached_without_reason": ("", 0.0),
    "cohort.decided": ("BCDEGI", 75.0),
    "cohort.decided_within_target": ("BCDI", 66.7),
    "cohort.breached_deadline": ("CEG", 50.0),
    "cohort.open": ("FK", 25.0),
    "cohort.open_past_deadline": ("FK", 100.0),
}


def test_each_figure_matches_the_hand_count_and_its_drilldown(
    services: Services, w47: dict[str, Made]
) -> None:
    summary = weekly_summary(services, W47)
    assert set(summary.figures) == set(EXPECTED)
    for key, (names, percent) in EXPECTED.items():
        figure = summary.figure(key)
        assert (key, figure.count, figure.percent) == (key, len(names), percent)
        listed = sorted(r.reference for r in drilldown(services, W47, key))
        assert (key, listed) == (key, refs(w47, names))


def test_hours_to_decision_median_and_90th_percentile(
    services: Services, w47: dict[str, Made]
) -> None:
    summary = weekly_summary(services, W47)
    # Hours taken: A 71, B 12, C 6, D 24, G 30, I 4 -> median (12+24)/2, p90 30 + 0.5*(71-30).
    assert summary.median_hours == 18.0
    assert summary.p90_hours == 50.5


def test_splits_by_next_step_level_source_and_rag(services: Services, w47: dict[str, Made]) -> None:
    summary = weekly_summary(services, W47)

    def table(dimension: str) -> dict[str, tuple[int, int, int]]:
        return {
            r.code: (r.decided, r.within_target, r.breached_deadline)
            for r in summary.splits[dimension]
        }

    assert table("priority") == {"red": (1, 1, 1), "amber": (5, 3, 2)}
    assert [r.code for r in summary.splits["priority"]] == ["red", "amber"]
    assert table("source") == {"1A": (1, 1, 0), "2A": (3, 1, 2), "3A": (1, 1, 0), "6": (1, 1, 1)}
    assert table("level") == {"1": (1, 1, 0), "2": (1, 1, 0), "3": (3, 1, 2), "4": (1, 1, 1)}
    assert table("next_step") == {
        "nfa": (1, 1, 0),
        "advice": (1, 1, 0),
        "early_help": (1, 0, 1),
        "assessment_s17": (2, 1, 1),
        "strategy_s47": (1, 1, 1),
    }
    assert sorted(r.reference for r in drilldown(services, W47, "by_source.2A")) == refs(w47, "ABG")
    assert [r.reference for r in drilldown(services, W47, "by_level.3.within_target")] == refs(
        w47, "B"
    )


def test_every_drillable_key_lists_exactly_its_count(
    services: Services, w47: dict[str, Made]
) -> None:
    summary = weekly_summary(services, W47)
    assert summary.count("received") == 8
    keys = figure_keys(summary)
    assert "by_next_step.nfa.breached_deadline" in keys
    for key in keys:
        assert len(drilldown(services, W47, key)) == summary.figure(key).count, key


def test_figures_reconcile(services: Services, w47: dict[str, Made]) -> None:
    checks = weekly_summary(services, W47).reconciliation()
    assert checks and all(checks.values()), checks


def test_late_contacts_list_hours_taken_and_past_deadline(
    services: Services, w47: dict[str, Made]
) -> None:
    late = weekly_summary(services, W47).late
    rows = [
        (x.reference, x.status, x.hours_taken, x.hours_past_deadline, x.over_target) for x in late
    ]
    assert rows == [
        (w47["A"].reference, "decided", 71.0, 47.0, True),
        (w47["C"].reference, "decided", 6.0, 2.0, False),
        (w47["G"].reference, "decided", 30.0, 6.0, True),
        # Still open at Sunday 24:00: K received Tue 08:00, E received Sat 20:00.
        (w47["K"].reference, "open", 136.0, 112.0, True),
        (w47["E"].reference, "open", 28.0, 4.0, True),
    ]


def test_trend_covers_twelve_weeks_ending_with_the_week(
    services: Services, w47: dict[str, Made]
) -> None:
    points = weekly_summary(services, W47).trend
    assert points[0].week == "2026-W36"
    assert len(points) == 12
    last = points[-1]
    assert (last.received, last.decided, last.decided_within_target) == (8, 6, 4)
    assert (last.breached_deadline, last.open_past_deadline) == (3, 2)
    before = points[-2]  # W46: only A was received; open past its deadline at that week's end.
    assert (before.received, before.decided, before.open_past_deadline) == (1, 0, 1)
    assert all(p.received == 0 and p.decided == 0 for p in points[:-2])


def test_next_week_counts_the_contact_decided_after_the_week_end(
    services: Services, w47: dict[str, Made]
) -> None:
    w48 = weekly_summary(services, W47.shift(1))
    assert [r.reference for r in drilldown(services, W47.shift(1), "decided")] == refs(w47, "E")
    assert w48.count("open_at_start") == 3
    assert w48.count("open_at_end") == 2
    assert w48.reconciliation()["open_at_start + received - decided = open_at_end"]


def test_an_unfinished_week_counts_open_past_deadline_at_the_report_time(
    services: Services, w47: dict[str, Made], clock: FrozenClock
) -> None:
    # On Friday 20 Nov 12:00 two open contacts are past their deadline: K (open still) and
    # G (received Thu 09:00, due Fri 09:00, authorised only at Fri 15:00). E (Sat) and F
    # (Sun) had not been received yet, so they are in no figure.
    as_at = utc(2026, 11, 20, 12)
    summary = weekly_summary(services, W47, as_at=as_at)
    assert not summary.complete
    assert summary.count("open_past_deadline") == 2
    listed = {r.reference for r in drilldown(services, W47, "open_past_deadline", as_at=as_at)}
    assert listed == set(refs(w47, "GK"))
    open_then = {r.reference for r in drilldown(services, W47, "open_at_end", as_at=as_at)}
    assert not open_then & set(refs(w47, "EF"))
    assert summary.count("received") == 6  # the week's 8 less E and F
    assert summary.count("open_past_deadline") + summary.count("open_within_deadline") == (
        summary.count("open_at_end")
    )


def test_empty_week_is_empty(services: Services, clock: FrozenClock) -> None:
    summary = weekly_summary(services, IsoWeek(2026, 30))
    assert summary.is_empty
    assert summary.median_hours is None and summary.p90_hours is None
    assert summary.figure("decided_within_target").percent is None


def test_unknown_figure_key_is_refused(services: Services, clock: FrozenClock) -> None:
    with pytest.raises(KeyError):
        drilldown(services, W47, "nonsense")
    with pytest.raises(KeyError):
        drilldown(services, W47, "by_level.three")


# ---------------------------------------------------------------- weeks
def test_iso_week_bounds_in_a_normal_week() -> None:
    week = IsoWeek.parse("2026-W47")
    assert (week.start, week.end, week.hours) == (
        utc(2026, 11, 16, 0),
        utc(2026, 11, 23, 0),
        168.0,
    )


def test_spring_week_has_167_hours() -> None:
    week = IsoWeek.parse("2026-W13")  # Clocks go forward on Sunday 29 March 2026.
    assert week.start == utc(2026, 3, 23, 0)
    assert week.end == utc(2026, 3, 29, 23)
    assert week.hours == 167.0


def test_autumn_week_has_169_hours() -> None:
    week = IsoWeek.parse("2026-w43")  # Clocks go back on Sunday 25 October 2026.
    assert week.start == utc(2026, 10, 18, 23)
    assert week.end == utc(2026, 10, 26, 0)
    assert week.hours == 169.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2026-W60",
            "'2026-W60' is not an ISO week: 2026 has 53 weeks (use YYYY-Www, e.g. 2026-W47)",
        ),
        (
            "2025-W53",
            "'2025-W53' is not an ISO week: 2025 has 52 weeks (use YYYY-Www, e.g. 2026-W47)",
        ),
        ("last week", "'last week' is not an ISO week: use YYYY-Www, e.g. 2026-W47"),
        (
            "2026-W00",
            "'2026-W00' is not an ISO week: 2026 has 53 weeks (use YYYY-Www, e.g. 2026-W47)",
        ),
    ],
)
def test_bad_week_strings_are_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        IsoWeek.parse(text)
    assert str(err.value) == message


def test_week_containing_uses_london_dates() -> None:
    # 23:30 UTC on Sunday 29 March is 00:30 BST on Monday 30 March: week 14.
    assert IsoWeek.containing(utc(2026, 3, 29, 23, 30)).label == "2026-W14"
    assert IsoWeek.containing(utc(2026, 3, 29, 22, 59)).label == "2026-W13"
    assert IsoWeek(2026, 1).shift(-1).label == "2025-W52"


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == pytest.approx(9.1)
    assert percentile([4.0, 2.0], 50) == 3.0


# ---------------------------------------------------------------- clock changes
def test_spring_week_figures_across_the_clock_change(
    services: Services, clock: FrozenClock
) -> None:
    week = IsoWeek(2026, 13)
    # Saturday 12:00 GMT to Sunday 12:00 BST: 23 hours elapsed though 24 on the wall clock.
    sat = make_contact(services, clock, utc(2026, 3, 28, 12), authorised=utc(2026, 3, 29, 11))
    # Sunday 23:30 UTC is Monday 00:30 BST: received in week 14, not 13.
    late_sunday = make_contact(services, clock, utc(2026, 3, 29, 23, 30), consent=None, step=None)
    # Sunday 22:30 UTC is 23:30 BST on Sunday: still week 13.
    sunday = make_contact(services, clock, utc(2026, 3, 29, 22, 30), consent=None, step=None)
    clock.set(utc(2026, 4, 8, 12))
    summary = weekly_summary(services, week)
    assert [r.reference for r in drilldown(services, week, "received")] == sorted(
        [sat.reference, sunday.reference]
    )
    assert summary.count("decided_within_target") == 1
    assert summary.median_hours == 23.0
    assert summary.count("open_at_end") == 1
    next_week = weekly_summary(services, week.shift(1))
    assert [r.reference for r in drilldown(services, week.shift(1), "received")] == [
        late_sunday.reference
    ]
    assert next_week.count("open_at_start") == 1


def test_autumn_week_figures_across_the_clock_change(
    services: Services, clock: FrozenClock
) -> None:
    week = IsoWeek(2026, 43)
    # Saturday 24 Oct 12:00 BST (11:00 UTC) to Sunday 12:00 GMT: 25 hours elapsed, over target.
    over = make_contact(services, clock, utc(2026, 10, 24, 11), authorised=utc(2026, 10, 25, 12))
    # Monday 19 Oct 00:30 BST is Sunday 18 Oct 23:30 UTC: in week 43.
    early = make_contact(
        services, clock, utc(2026, 10, 18, 23, 30), authorised=utc(2026, 10, 19, 10)
    )
    clock.set(utc(2026, 11, 1, 12))
    summary = weekly_summary(services, week)
    assert summary.count("received") == 2
    assert [r.reference for r in drilldown(services, week, "decided_over_target")] == [
        over.reference
    ]
    assert summary.count("breached_deadline") == 1
    assert [x.hours_taken for x in summary.late] == [25.0]
    assert early.reference in [r.reference for r in drilldown(services, week, "decided")]


def test_exactly_at_target_is_within_and_one_second_more_is_not(
    services: Services, clock: FrozenClock
) -> None:
    start = utc(2026, 11, 16, 9)
    on_time = make_contact(services, clock, start, authorised=start + timedelta(hours=24))
    second = utc(2026, 11, 17, 9)
    late = make_contact(services, clock, second, authorised=second + timedelta(hours=24, seconds=1))
    clock.set(utc(2026, 11, 25))
    assert [r.reference for r in drilldown(services, W47, "decided_within_target")] == [
        on_time.reference
    ]
    assert [r.reference for r in drilldown(services, W47, "breached_deadline")] == [late.reference]


# ---------------------------------------------------------------- working-day timescales
def test_easter_bank_holidays_under_a_working_day_timescale(
    services: Services, clock: FrozenClock
) -> None:
    policy = DeadlinePolicy(green=Timescale(working_days=1))
    svc = Services(services.engine, clock, policy=policy)
    # Thursday 2 April 2026 15:00 BST: Good Friday and Easter Monday are bank holidays,
    # so one working day runs to Tuesday 7 April 15:00 BST.
    green = make_contact(
        svc, clock, utc(2026, 4, 2, 14), priority="green", authorised=utc(2026, 4, 7, 9)
    )
    amber = make_contact(svc, clock, utc(2026, 4, 2, 14), consent=None, step=None)
    clock.set(utc(2026, 4, 20, 12))
    week = IsoWeek(2026, 14)
    summary = weekly_summary(svc, week)
    assert [r.deadline_at for r in drilldown(svc, week, "open_within_deadline")] == [
        utc(2026, 4, 7, 14)
    ]
    assert [r.reference for r in drilldown(svc, week, "open_past_deadline")] == [amber.reference]
    assert summary.count("open_at_end") == 2
    after = weekly_summary(svc, week.shift(1))
    assert [r.reference for r in drilldown(svc, week.shift(1), "decided_within_deadline")] == [
        green.reference
    ]
    # On time by its own deadline, yet 115 hours is far over the 24-hour target.
    assert after.count("decided_over_target") == 1
    assert after.median_hours == 115.0


def test_christmas_bank_holidays_and_week_53(services: Services, clock: FrozenClock) -> None:
    policy = DeadlinePolicy(green=Timescale(working_days=1))
    svc = Services(services.engine, clock, policy=policy)
    # Wednesday 23 Dec 09:00: due Thursday 24 Dec 09:00; authorised at 12:00, 3 hours late.
    late = make_contact(
        svc, clock, utc(2026, 12, 23, 9), priority="green", authorised=utc(2026, 12, 24, 12)
    )
    # Thursday 24 Dec 10:00: Christmas Day, the weekend and the Boxing Day substitute
    # (Monday 28th) pass before one working day is up, on Tuesday 29 Dec 10:00.
    held = make_contact(
        svc, clock, utc(2026, 12, 24, 10), priority="green", authorised=utc(2026, 12, 28, 16)
    )
    clock.set(utc(2027, 1, 10, 12))
    w52, w53 = IsoWeek(2026, 52), IsoWeek(2026, 53)
    assert [r.reference for r in drilldown(svc, w52, "breached_deadline")] == [late.reference]
    assert weekly_summary(svc, w52).late[0].hours_past_deadline == 3.0
    refs53 = drilldown(svc, w53, "decided_within_deadline")
    assert [(r.reference, r.deadline_at) for r in refs53] == [
        (held.reference, utc(2026, 12, 29, 10))
    ]
    summary = weekly_summary(svc, w53)
    assert (summary.count("decided"), summary.count("decided_over_target")) == (1, 1)
    assert summary.median_hours == 102.0


def test_each_trend_point_equals_that_weeks_own_summary(
    services: Services, w47: dict[str, Made]
) -> None:
    for offset in (-1, 0, 1):
        week = W47.shift(offset)
        point = weekly_summary(services, week).trend[-1]
        own = weekly_summary(services, week, with_trend=False)
        assert point.week == week.label
        assert (
            point.received,
            point.decided,
            point.decided_within_target,
            point.breached_deadline,
            point.open_past_deadline,
        ) == (
            own.count("received"),
            own.count("decided"),
            own.count("decided_within_target"),
            own.count("breached_deadline"),
            own.count("open_past_deadline"),
        ), week.label


def test_a_later_drill_down_lists_what_the_report_counted(
    services: Services, w47: dict[str, Made], clock: FrozenClock
) -> None:
    """The report screen drills down after the report was drawn: changes since must not show."""
    from mash_tui.domain.inputs import ConsentInput, DecisionInput, LevelInput

    summary = weekly_summary(services, W47)
    keys = ["cohort.open", "cohort.decided", "open_at_end", "decided", "received"]
    before = {k: summary.count(k) for k in keys}
    assert refs(w47, "F")[0] in {
        r.reference for r in drilldown(services, W47, "cohort.open", as_at=summary.as_at)
    }
    # F, still open when the report was drawn, is then decided and authorised.
    clock.advance(timedelta(hours=1))
    f = services.get(w47["F"].id)
    f = services.record_consent(
        "scr", w47["F"].id, f.version, ConsentInput("given", "scr", "mum", "phone")
    )
    f = services.set_level(
        "scr", w47["F"].id, f.version, LevelInput(3, "Needs fit level three well.")
    )
    decision = DecisionInput(
        "assessment_s17", "Checks done.", "Worry.", "Working well.", "Needs to happen.", 5
    )
    f = services.record_decision("scr", w47["F"].id, f.version, decision)
    f = services.submit("scr", w47["F"].id, f.version)
    services.authorise("mgr", w47["F"].id, f.version, "Late: received on a Sunday night.")
    for key in keys:
        listed = drilldown(services, W47, key, as_at=summary.as_at)
        assert len(listed) == before[key], key
    clock.advance(timedelta(seconds=1))
    now = weekly_summary(services, W47)
    assert now.count("cohort.open") == before["cohort.open"] - 1  # as things stand now


def test_a_week_not_begun_counts_what_its_drilldown_lists(
    services: Services, clock: FrozenClock, w47: dict[str, Made]
) -> None:
    # As at Thursday of week 47, week 48 has not begun: "open at the end" is open now.
    as_at = utc(2026, 11, 19, 12, 0)
    summary = weekly_summary(services, W47.shift(1), as_at=as_at)
    assert summary.count("open_at_end") == 3
    for key in figure_keys(summary):
        listed = drilldown(services, W47.shift(1), key, as_at=as_at)
        assert (key, len(listed)) == (key, summary.figure(key).count)


def test_every_registry_figure_is_in_one_section_and_every_format(
    services: Services, w47: dict[str, Made]
) -> None:
    import json

    from mash_tui.queries.figures import FIGURES, SECTIONS
    from mash_tui.queries.weekly_formats import weekly_bytes, weekly_rows

    in_sections = [key for _, keys in SECTIONS for key in keys]
    assert sorted(in_sections) == sorted(f.key for f in FIGURES)
    summary = weekly_summary(services, W47)
    csv_keys = {row[1] for row in weekly_rows(summary)}
    table = weekly_bytes(summary, "table").decode()
    markdown = weekly_bytes(summary, "md").decode()
    figures = json.loads(weekly_bytes(summary, "json"))["figures"]
    for figure in FIGURES:
        assert figure.key in csv_keys and figure.key in figures, figure.key
        assert figure.label in table and figure.label in markdown, figure.label
