"""Provides the demo's clock: the window of history, when contacts arrive, when staff act."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from mash_tui.domain.clock import local_date, local_to_utc, to_local
from mash_tui.domain.deadlines import is_working_day

if TYPE_CHECKING:
    from mash_tui.services import Services

WINDOW_DAYS = 56  # about eight weeks of history
OPEN_WINDOW = timedelta(hours=24)  # contacts this recent are left open
END_OF_DEMO_DAY = time(16, 30)  # "now" on a past `until` date, Europe/London
DAY_START, DAY_END = 8, 20  # MASH staff act between these local hours


def demo_now(services: Services, until: date | None) -> datetime:
    """The demo's "now": late afternoon on `until`, never later than the real clock."""
    real = services.clock.now()
    if until is None:
        until = local_date(real)
    return min(real, local_to_utc(datetime.combine(until, END_OF_DEMO_DAY)))


def daytime(at: datetime, rng: random.Random) -> datetime:
    """Move an action that would fall at night to the start of the next staffed morning."""
    local = to_local(at)
    if DAY_START <= local.hour < DAY_END:
        return at
    day = local.date() if local.hour < DAY_START else local.date() + timedelta(days=1)
    start = local_to_utc(datetime.combine(day, time(DAY_START, 0)))
    return start + timedelta(minutes=rng.randint(5, 55))


HOUR_WEIGHTS = [0.15] * 7 + [0.4, 0.9] + [1.3] * 4 + [1.2] * 4 + [0.8] + [0.4] * 4 + [0.25] * 2


def days_weighted(start: datetime, now: datetime) -> tuple[list[date], list[float]]:
    """Each local day of the window, weighted so working days are busier than weekends."""
    first, last = local_date(start), local_date(now)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return days, [1.0 if is_working_day(d) else 0.35 for d in days]


def arrival(
    rng: random.Random, start: datetime, now: datetime, days: tuple[list[date], list[float]]
) -> datetime:
    """A received instant, weekday- and daytime-heavy, between start and now."""
    while True:
        day = rng.choices(days[0], weights=days[1])[0]
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        naive = datetime.combine(day, time(hour, rng.randrange(60)))
        try:
            at = local_to_utc(naive)
        except ValueError:  # the hour the clocks skip in March
            continue
        if start <= at <= now:
            return at
