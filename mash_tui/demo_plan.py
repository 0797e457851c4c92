"""Provides the demo's planner: referrals drawn from one seeded generator, with each step's instant.

The same seed and `until` always give the same plan, so the same data.
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from mash_tui.demo_people import (
    BOYS,
    ETHNICITY_WEIGHTS,
    GIRLS,
    GROUP_OF_SOURCE,
    MEN,
    SCHOOLS,
    SOURCE_WEIGHTS,
    STREETS,
    SURNAMES,
    TOWNS,
    WOMEN,
    age_phrase,
    invent_referrer,
    invented_nhs_number,
    pick,
)
from mash_tui.demo_texts import (
    CHECKS,
    GROUNDS,
    LAWFUL_BASIS,
    MISMATCH_REASONS,
    NEEDS,
    NOT_SOUGHT_RATIONALE,
    REFUSED_RATIONALE,
    RETURN_COMMENTS,
    REVISIONS,
    TEMPLATES,
    WORKING_WELL,
    Template,
)
from mash_tui.demo_times import OPEN_WINDOW, WINDOW_DAYS, arrival, days_weighted, daytime
from mash_tui.domain.clock import local_date, to_local
from mash_tui.domain.deadlines import is_working_day
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput
from mash_tui.domain.levels import NEXT_STEPS, Framework, Level
from mash_tui.domain.states import ConsentOutcome, needs_override

if TYPE_CHECKING:
    pass


@dataclass
class Referral:
    """One referral planned ahead: its intake, judgement and the instants of each step."""

    index: int
    received: datetime
    screener: str
    manager: str
    intake: IntakeInput
    consent: ConsentInput
    level: int
    level_rationale: str
    decisions: list[DecisionInput]  # the first decision and, if returned, the revision
    return_comment: str
    steps: list[tuple[datetime, str]]  # instants for the first child; siblings a little later
    contact_ids: list[int] = field(default_factory=list)


@dataclass
class RunTally:
    """What the run made, for the summary."""

    states: Tally[str] = field(default_factory=Tally)
    late: int = 0
    returned: int = 0
    overrides: int = 0
    mismatches: int = 0


class Stop(StrEnum):
    """Where a planned contact's history stops: still open at one step, or done (authorised)."""

    CREATED = "created"
    CONSENT = "consent"
    LEVEL = "level"
    OVERRIDE_PENDING = "override_pending"
    AWAITING = "awaiting"
    RETURNED = "returned"
    DONE = "done"


# The last day's contacts: one of each open state first, then a weighted mix.
OPEN_STOPS_FIRST: list[Stop] = [Stop.AWAITING, Stop.OVERRIDE_PENDING, Stop.RETURNED, Stop.CREATED]
OPEN_STOP_WEIGHTS: tuple[tuple[Stop, float], ...] = (
    (Stop.CREATED, 20),
    (Stop.CONSENT, 15),
    (Stop.LEVEL, 15),
    (Stop.OVERRIDE_PENDING, 12),
    (Stop.AWAITING, 23),
    (Stop.RETURNED, 15),
)
STOP_PROGRESS: dict[Stop, int] = {
    Stop.RETURNED: 5,
    Stop.AWAITING: 4,
    Stop.LEVEL: 3,
    Stop.OVERRIDE_PENDING: 2,
    Stop.CONSENT: 1,
    Stop.CREATED: 0,
}


def _source(rng: random.Random, received: datetime) -> str:
    """A source code; out of hours the police dominate and schools are closed."""
    local = to_local(received)
    out_of_hours = not is_working_day(local.date()) or not 8 <= local.hour < 18
    weighted = []
    for code, weight in SOURCE_WEIGHTS:
        if out_of_hours and code == "6":
            weight *= 4
        elif out_of_hours and code in ("2A", "2B", "3C"):
            weight *= 0.03
        weighted.append((code, weight))
    return pick(rng, weighted)


def _band(framework: Framework, level: Level) -> int:
    """Where a level sits on a 1-4 scale, so templates work with any framework's numbering."""
    numbers = [lvl.number for lvl in framework.levels]
    if len(numbers) == 1:
        return 4
    return 1 + round(numbers.index(level.number) * 3 / (len(numbers) - 1))


def _level_for_band(framework: Framework, band: int) -> Level:
    """The framework level closest to a 1-4 band."""
    return min(framework.levels, key=lambda lvl: (abs(_band(framework, lvl) - band), lvl.number))


class Planner:
    """Draws every referral from one seeded generator, so a seed always gives the same data."""

    def __init__(
        self,
        rng: random.Random,
        framework: Framework,
        now: datetime,
        screeners: list[str],
        managers: list[str],
        names: dict[str, str],
    ) -> None:
        self.rng = rng
        self.framework = framework
        self.now = now
        self.start = now - timedelta(days=WINDOW_DAYS)
        self.screeners = screeners
        self.managers = managers
        self.names = names
        self.tally = RunTally()

    def referrals(self, contacts: int) -> list[Referral]:
        """Enough referrals for exactly `contacts` contacts, in order of receipt."""
        received = []
        days = days_weighted(self.start, self.now)
        remaining = contacts
        while remaining > 0:
            size = 1
            roll = self.rng.random()
            if roll < 0.04:
                size = 3
            elif roll < 0.12:
                size = 2
            size = min(size, remaining)
            received.append((arrival(self.rng, self.start, self.now, days), size))
            remaining -= size
        received.sort(key=lambda pair: pair[0])
        recent = sum(1 for at, _ in received if self.now - at <= OPEN_WINDOW)
        stops = [Stop.DONE] * (len(received) - recent) + self._open_stops(recent)
        return [
            self._referral(i, at, size, stop)
            for i, ((at, size), stop) in enumerate(zip(received, stops, strict=True))
        ]

    def _open_stops(self, count: int) -> list[Stop]:
        """Where each of the last day's contacts stops: every kind of open state appears.

        The oldest of them are furthest along, the newest just logged.
        """
        stops = OPEN_STOPS_FIRST[:count]
        stops += [pick(self.rng, OPEN_STOP_WEIGHTS) for _ in range(count - len(stops))]
        return sorted(stops, key=lambda stop: -STOP_PROGRESS[stop])

    def _children(
        self, size: int, template: Template, today: date, school_age: bool
    ) -> list[ChildInput]:
        """Brothers and sisters share a surname, address and ethnicity, never an age."""
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        surname = rng.choice(SURNAMES)
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"
        postcode = (
            f"MT{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        )
        ethnicity = pick(rng, ETHNICITY_WEIGHTS)
        ages = rng.sample(range(4, 17) if school_age else range(0, 18), size)
        used: set[str] = set()
        children = []
        for index, age in enumerate(ages):
            if template.unborn and index == 0:
                children.append(
                    ChildInput(
                        first_name="",
                        last_name=surname,
                        unborn=True,
                        expected_date=today + timedelta(days=rng.randint(20, 160)),
                        gender="U",
                        ethnicity=ethnicity,
                        address=address,
                        postcode=postcode,
                    )
                )
                continue
            gender = pick(rng, (("M", 48), ("F", 48), ("U", 3), ("N", 1)))
            pool = GIRLS if gender == "F" else BOYS if gender == "M" else GIRLS + BOYS
            first = rng.choice([n for n in pool if n not in used])
            used.add(first)
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            school = rng.choice(SCHOOLS) if 4 <= age <= 16 else ""
            children.append(
                ChildInput(
                    first_name=first,
                    last_name=surname,
                    date_of_birth=born,
                    gender=gender,
                    ethnicity=ethnicity,
                    address=address,
                    postcode=postcode,
                    school=school,
                    nhs_number=invented_nhs_number(rng) if rng.random() < 0.85 else "",
                    upn=f"{rng.choice('ABCDEFGHJK')}999{rng.randrange(10**9):09d}"
                    if school
                    else "",
                )
            )
        return children

    def _referral(self, index: int, received: datetime, size: int, stop: Stop) -> Referral:
        rng = self.rng
        today = local_date(received)
        source = _source(rng, received)
        group = GROUP_OF_SOURCE.get(source, "health")
        fitting = [t for t in TEMPLATES if group in t.groups]
        if group == "self":
            fitting = [t for t in TEMPLATES if "self" in t.groups or "school" in t.groups]
            fitting = [t for t in fitting if not t.unborn]
        if source not in ("3B", "3D", "3F", "3A"):
            fitting = [t for t in fitting if not t.unborn]
        template = rng.choice(fitting)
        band = rng.choices(list(template.levels), weights=list(template.levels.values()))[0]
        level = _level_for_band(self.framework, band)
        band = _band(self.framework, level)
        priority = pick(
            rng,
            {
                4: (("red", 45), ("amber", 55)),
                3: (("red", 10), ("amber", 80), ("green", 10)),
                2: (("amber", 70), ("green", 30)),
                1: (("amber", 50), ("green", 50)),
            }[band],
        )
        children = self._children(size, template, today, group == "school")
        lead = children[0]
        p1, p2 = rng.choice(WOMEN), rng.choice(MEN)
        words = {
            "c": lead.first_name or "the unborn baby",
            "age": age_phrase(lead, today),
            "p1": p1,
            "p2": p2,
            "time": f"{to_local(received):%H:%M}",
            "weeks": str(rng.randint(14, 34)),
        }
        concern = template.text.format(**words)
        factors = list(template.factors)
        if rng.random() < 0.15:
            factors.append(rng.choice(("mental_health", "alcohol_misuse", "domestic_abuse")))
        name, agency, role, phone, email = invent_referrer(rng, source, lead.school or SCHOOLS[0])
        if source == "1C":
            name = f"{lead.first_name} {lead.last_name}"
        intake = IntakeInput(
            received_at=received,
            source_code=source,
            concern=concern,
            children=children,
            referrer_name=name,
            referrer_agency=agency,
            referrer_role=role,
            referrer_phone=phone,
            referrer_email=email,
            factors=factors,
            priority=priority,
        )
        screener = rng.choice(self.screeners)
        manager = rng.choice(self.managers)

        # Consent: mostly given; overrides more likely where the risk is highest.
        outcome = pick(
            rng,
            (
                (ConsentOutcome.GIVEN, 55),
                (ConsentOutcome.REFUSED, 15),
                (ConsentOutcome.NOT_SOUGHT, 30),
            )
            if band == 4
            else (
                (ConsentOutcome.GIVEN, 88),
                (ConsentOutcome.REFUSED, 8),
                (ConsentOutcome.NOT_SOUGHT, 4),
            ),
        )
        open_plan = stop != Stop.DONE
        if stop == Stop.OVERRIDE_PENDING and not needs_override(outcome):
            outcome = rng.choice((ConsentOutcome.REFUSED, ConsentOutcome.NOT_SOUGHT))
        consent = self._consent(outcome, words, self.names.get(screener, screener))

        step = self._next_step(level)
        mismatch = ""
        if not level.fits(step):
            mismatch = rng.choice(MISMATCH_REASONS).format(**words)
        scale = {4: (1, 4), 3: (3, 6), 2: (5, 8), 1: (7, 10)}[band]
        decision = DecisionInput(
            next_step=step,
            analysis=self._analysis(words, level, step, concern),
            sos_worried=template.worried.format(**words),
            sos_working_well=rng.choice(WORKING_WELL).format(**words),
            sos_needs_to_happen=NEEDS[step].format(**words),
            sos_scale=rng.randint(*scale),
            mismatch_justification=mismatch,
        )
        returned = stop == Stop.RETURNED or (not open_plan and rng.random() < 0.08)
        decisions = [decision]
        if returned:
            revised = DecisionInput(**{**decision.__dict__})
            revised.analysis = decision.analysis + rng.choice(REVISIONS)
            decisions.append(revised)
        descriptor_domain = rng.choice(list(level.descriptors)) if level.descriptors else ""
        descriptor = (
            rng.choice(level.descriptors[descriptor_domain]) if descriptor_domain else level.summary
        )
        level_rationale = (
            f"{descriptor.rstrip('.')} ({descriptor_domain.lower() or 'summary'}); this fits "
            f"Level {level.number}, {level.name.lower()}."
        )
        steps = self._timeline(
            received, priority, needs_override(outcome), returned, stop, now=self.now
        )
        return Referral(
            index=index,
            received=received,
            screener=screener,
            manager=manager,
            intake=intake,
            consent=consent,
            level=level.number,
            level_rationale=level_rationale,
            decisions=decisions,
            return_comment=rng.choice(RETURN_COMMENTS),
            steps=steps,
        )

    def _consent(self, outcome: str, words: dict[str, str], screener: str) -> ConsentInput:
        rng = self.rng
        if outcome == ConsentOutcome.NOT_SOUGHT:
            return ConsentInput(
                outcome=ConsentOutcome.NOT_SOUGHT,
                grounds=rng.choice(GROUNDS),
                lawful_basis=rng.choice(LAWFUL_BASIS),
                rationale=NOT_SOUGHT_RATIONALE.format(**words),
            )
        consent = ConsentInput(
            outcome=outcome,
            sought_by=screener if rng.random() < 0.7 else "The referrer",
            sought_from=f"{words['p1']} (mother)",
            method=rng.choice(("Telephone", "Telephone", "In person", "Email", "Text message")),
        )
        if outcome == ConsentOutcome.REFUSED:
            consent.grounds = rng.choice(GROUNDS)
            consent.lawful_basis = rng.choice(LAWFUL_BASIS)
            consent.rationale = REFUSED_RATIONALE.format(**words)
        return consent

    def _next_step(self, level: Level) -> str:
        """Mostly a step the level lists; about one in thirty a mismatch to be justified."""
        rng = self.rng
        if rng.random() < 0.035:
            others = [s for s in NEXT_STEPS if not level.fits(s)]
            if others:
                return rng.choice(others)
        weights = {"transfer": 0.04, "already_open": 0.08}
        steps = list(level.next_steps) or list(NEXT_STEPS)
        return rng.choices(steps, weights=[weights.get(s, 1.0) for s in steps])[0]

    def _analysis(self, words: dict[str, str], level: Level, step: str, concern: str) -> str:
        rng = self.rng
        checks = rng.sample(CHECKS, 2)
        history = rng.choice(
            (
                "There are no earlier contacts about {c}.",
                "There was one earlier contact about {c} last year, closed with advice.",
                "Two earlier contacts about the household raised similar worries.",
                "The family had an early help plan that closed eighteen months ago.",
            )
        ).format(**words)
        return (
            f"Checks with {checks[0]} and {checks[1]} were completed. {history} "
            f"Weighing the worries against what is working well, the needs sit at Level "
            f"{level.number} ({level.name.lower()}). Recommended next step: "
            f"{NEXT_STEPS[step].lower()}."
        )

    def _timeline(
        self,
        received: datetime,
        priority: str,
        override: bool,
        returned: bool,
        stop: Stop,
        *,
        now: datetime,
    ) -> list[tuple[datetime, str]]:
        """The instants of each step, in order; nothing after `now` is kept."""
        rng = self.rng
        names = ["create", "consent"]
        if override and stop != Stop.OVERRIDE_PENDING:
            names.append("override")
        if stop not in (Stop.CREATED, Stop.CONSENT, Stop.OVERRIDE_PENDING):
            names.append("level")
            if stop != Stop.LEVEL:
                names += ["decide", "submit"]
                if returned:
                    names.append("return")
                    if stop == Stop.DONE:
                        names += ["redecide", "resubmit"]
                if stop == Stop.DONE:
                    names.append("authorise")
        if stop == Stop.CREATED:
            names = ["create"]
        if stop != Stop.DONE:
            return self._open_timeline(received, names, now)
        late = rng.random() < (0.3 if now - received < timedelta(hours=60) else 0.06)
        if late:
            total = timedelta(hours=rng.uniform(24.5, 60))
        elif priority == "red":
            total = timedelta(hours=rng.uniform(0.75, 3.6))
        else:
            total = timedelta(hours=rng.uniform(1.5, 14))
        fractions = [*sorted(rng.uniform(0.15, 0.95) for _ in names[2:]), 1.0]
        times = [received + timedelta(minutes=rng.randint(4, 45))]
        times += [received + total * f for f in fractions]
        steps: list[tuple[datetime, str]] = []
        previous = received
        for at, name in zip(times, names, strict=True):
            # Staff act in the daytime; a late plan may run past "now" and stay open.
            at = max(daytime(at, rng), previous + timedelta(minutes=2))
            if at > now:
                break
            steps.append((at, name))
            previous = at
        if steps and steps[-1][1] == "authorise" and rng.random() < 0.9:
            informed = daytime(previous + timedelta(hours=rng.uniform(0.2, 26)), rng)
            if informed <= now:
                steps.append((informed, "inform"))
        return steps

    def _open_timeline(
        self, received: datetime, names: list[str], now: datetime
    ) -> list[tuple[datetime, str]]:
        """Squeeze the steps of a contact still open between its receipt and "now"."""
        span = now - received
        step = timedelta(minutes=1)
        if span < step * len(names):
            names = names[: max(1, int(span / step))]
        fractions = sorted(self.rng.uniform(0.05, 0.95) for _ in names)
        steps: list[tuple[datetime, str]] = []
        previous = received
        for index, (fraction, name) in enumerate(zip(fractions, names, strict=True)):
            latest = now - step * (len(names) - 1 - index)
            at = min(max(received + span * fraction, previous + step), latest)
            steps.append((at, name))
            previous = at
        return steps
