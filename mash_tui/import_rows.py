"""Provides the import's whole-file check: each CSV row read into inputs and checked by the rules.

Every problem is noted against its spreadsheet row and column, in one pass, using the
same rule functions the use-cases call, so a file is judged as the app would judge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mash_tui.domain import rules
from mash_tui.domain.clock import ensure_utc, parse_day, parse_local
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.domain.levels import Framework
from mash_tui.domain.states import ConsentOutcome, is_manager, needs_override
from mash_tui.import_columns import COLUMNS, CONSENT_COLUMNS, DECISION_COLUMNS, SHARED

__all__ = [
    "WHOLE_ROW",
    "Family",
    "Problems",
    "Row",
    "check_family",
    "families_of",
    "parse_row",
]

TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0", ""}
WHOLE_ROW = "(whole row)"
# Where a rule's field lands in the file, when the column is named differently.
LEVEL_COLUMNS = {"level": "level", "rationale": "level_rationale"}

Users = dict[str, tuple[str, bool]]  # username -> (role, active)


@dataclass
class Row:
    """One data row, read and checked, ready to write."""

    number: int
    cells: dict[str, str]
    received: datetime | None = None
    child: ChildInput | None = None
    factors: list[str] = field(default_factory=list)
    priority: str = "amber"
    source: str = ""
    consent: ConsentInput | None = None
    override_at: datetime | None = None
    level: LevelInput | None = None
    decision: DecisionInput | None = None
    decided_at: datetime | None = None
    authorised_at: datetime | None = None
    informed_at: datetime | None = None

    def get(self, column: str) -> str:
        """The cell's text without surrounding spaces ('' when the column is absent)."""
        return self.cells.get(column, "").strip()


@dataclass
class Family:
    """Rows that make one referral: one row, or siblings sharing a family_ref."""

    rows: list[Row]

    @property
    def first(self) -> Row:
        return self.rows[0]

    def intake(self, received: datetime) -> IntakeInput:
        """The referral the family's rows describe (its first row carries the shared details)."""
        first = self.first
        return IntakeInput(
            received_at=received,
            source_code=first.source,
            concern=first.get("concern"),
            children=[row.child for row in self.rows if row.child is not None],
            referrer_name=first.get("referrer_name"),
            referrer_agency=first.get("referrer_agency"),
            referrer_role=first.get("referrer_role"),
            referrer_phone=first.get("referrer_phone"),
            referrer_email=first.get("referrer_email"),
            factors=first.factors,
            priority=first.priority,
        )


class Problems:
    """Collects (row, column, reason); the first reason for a cell wins.

    A column missing from the header is reported once, on row 1, not again on every row.
    """

    def __init__(self) -> None:
        self.found: dict[tuple[int, str], str] = {}
        self.missing: set[str] = set()

    def add(self, row: int, column: str, reason: str) -> None:
        """Note one problem (a later reason for the same cell is dropped)."""
        if row > 1 and column in self.missing:
            return
        self.found.setdefault((row, column), reason)

    def has(self, row: int, column: str) -> bool:
        """Whether this cell already has a problem."""
        return (row, column) in self.found

    def sorted(self, header: list[str]) -> list[tuple[int, str, str]]:
        """By row, then as the columns stand in the file (whole-row problems first)."""
        order: dict[str, int] = {}
        for index, name in enumerate(header):
            order.setdefault(name, index)

        def key(item: tuple[tuple[int, str], str]) -> tuple[int, int]:
            (row, column), _ = item
            if column == WHOLE_ROW:
                return row, -1
            if column in order:
                return row, order[column]
            known = COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)
            return row, len(header) + known

        ordered = sorted(self.found.items(), key=key)
        return [(row, column, reason) for (row, column), reason in ordered]

    def __bool__(self) -> bool:
        return bool(self.found)


# ---------------------------------------------------------------- cells
def _instant(row: Row, column: str, problems: Problems) -> datetime | None:
    """A Europe/London 'dd/mm/yyyy HH:MM' or an ISO 8601 time with its offset."""
    text = row.get(column)
    if not text:
        return None
    if ":" not in text:
        problems.add(row.number, column, f"{text!r} has no time: use dd/mm/yyyy HH:MM")
        return None
    try:
        return ensure_utc(parse_local(text))
    except ValueError as exc:
        problems.add(row.number, column, str(exc))
        return None


def _date(row: Row, column: str, problems: Problems) -> date | None:
    try:
        return parse_day(row.get(column))
    except ValueError as exc:
        problems.add(row.number, column, str(exc))
        return None


def _int(row: Row, column: str, problems: Problems) -> int | None:
    text = row.get(column)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.add(row.number, column, f"{text!r} is not a whole number")
        return None


def _person(
    row: Row, column: str, users: Users, problems: Problems, *, manager: bool = False
) -> str:
    """A username that has an active record (and a manager's role where one is needed)."""
    name = row.get(column)
    if not name:
        return ""
    if name not in users:
        problems.add(row.number, column, f"'{name}' has no mash-tui user record")
    elif not users[name][1]:
        problems.add(row.number, column, f"'{name}' is disabled: enable them for the import")
    elif manager and not is_manager(users[name][0]):
        problems.add(row.number, column, f"'{name}' is a {users[name][0]}, not a manager")
    return name


def _outcome(text: str) -> ConsentOutcome | None:
    """The consent outcome a cell names, or None when it names none mash-tui knows."""
    try:
        return ConsentOutcome(text)
    except ValueError:
        return None


def _add_all(problems: Problems, number: int, errors: dict[str, str], prefix: str = "") -> None:
    for key, reason in errors.items():
        problems.add(number, f"{prefix}{key}", reason)


# ---------------------------------------------------------------- one row
def parse_row(
    framework: Framework, row: Row, now: datetime, users: Users, login: str, problems: Problems
) -> None:
    """Read every cell of one row, noting each problem against its column."""
    n = row.number
    row.received = _instant(row, "received_at", problems)
    if row.received is None and not problems.has(n, "received_at"):
        problems.add(n, "received_at", "give the date and time the contact was received")
    row.source = row.get("source_code").upper()
    row.priority = row.get("priority").lower() or "amber"
    row.factors = [f.strip().lower() for f in row.get("factors").split(";") if f.strip()]
    if row.get("screener"):
        _person(row, "screener", users, problems)
    else:
        row.cells["screener"] = login
    _parse_child(row, now, problems)
    outcome = _parse_consent(row, users, problems)
    _parse_level(framework, row, problems)
    _parse_decision(framework, row, outcome, users, problems)
    authorised_by = _person(row, "authorised_by", users, problems, manager=True)
    row.authorised_at = _instant(row, "authorised_at", problems)
    if authorised_by or row.get("authorised_at"):
        if not authorised_by:
            problems.add(n, "authorised_by", "say which manager authorised the decision")
        if not row.get("authorised_at"):
            problems.add(n, "authorised_at", "say when the decision was authorised")
        if row.decision is None:
            problems.add(n, "authorised_by", "only a decided contact can be authorised")
    row.informed_at = _instant(row, "referrer_informed_at", problems)
    _check_order(row, now, problems)


def _parse_child(row: Row, now: datetime, problems: Problems) -> None:
    """The child's cells; the rules check them with the rest of the intake."""
    n = row.number
    unborn_text = row.get("child_unborn").lower()
    if unborn_text not in TRUE | FALSE:
        problems.add(n, "child_unborn", f"{unborn_text!r} is not yes or no")
    unborn = unborn_text in TRUE
    born = _date(row, "child_date_of_birth", problems)
    expected = _date(row, "child_expected_date", problems)
    received_day = row.received.date() if row.received else now.date()
    if born is not None and born > received_day and not unborn:
        problems.add(n, "child_date_of_birth", "the date of birth is after the contact")
    if unborn and born is not None:
        problems.add(n, "child_date_of_birth", "an unborn child has no date of birth yet")
    if not unborn and expected is not None:
        problems.add(n, "child_expected_date", "an expected date is only for an unborn child")
    row.child = ChildInput(
        first_name=row.get("child_first_name"),
        last_name=row.get("child_last_name"),
        date_of_birth=born,
        unborn=unborn,
        expected_date=expected,
        gender=row.get("child_gender").upper() or "U",
        ethnicity=row.get("child_ethnicity").upper() or "NOBT",
        address=row.get("child_address"),
        postcode=row.get("child_postcode"),
        school=row.get("child_school"),
        nhs_number=row.get("child_nhs_number"),
        upn=row.get("child_upn"),
    )


def _parse_consent(row: Row, users: Users, problems: Problems) -> str:
    """The consent cells and any override's authorisation; returns the outcome as written."""
    n = row.number
    outcome = row.get("consent_outcome").lower().replace(" ", "_").replace("-", "_")
    if outcome:
        row.consent = ConsentInput(
            outcome=outcome,
            sought_by=row.get("consent_sought_by"),
            sought_from=row.get("consent_sought_from"),
            method=row.get("consent_method"),
            grounds=row.get("consent_grounds"),
            lawful_basis=row.get("consent_lawful_basis"),
            rationale=row.get("consent_rationale"),
        )
        _add_all(problems, n, rules.check_consent(row.consent), "consent_")
    elif any(row.get(c) for c in CONSENT_COLUMNS):
        problems.add(
            n, "consent_outcome", "give the outcome (given, refused or not_sought) for the consent"
        )
    override_by = _person(row, "override_authorised_by", users, problems, manager=True)
    row.override_at = _instant(row, "override_authorised_at", problems)
    if override_by or row.get("override_authorised_at"):
        if not override_by:
            problems.add(n, "override_authorised_by", "say which manager authorised the override")
        if not row.get("override_authorised_at"):
            problems.add(n, "override_authorised_at", "say when the override was authorised")
        known = _outcome(outcome)
        if known is not None and not needs_override(known):
            problems.add(n, "override_authorised_by", "consent was given: there is no override")
        elif not outcome:
            problems.add(n, "consent_outcome", "an override needs the consent outcome recorded")
    return outcome


def _parse_level(framework: Framework, row: Row, problems: Problems) -> None:
    """The Level of Need and its rationale, checked as the app checks them."""
    n = row.number
    level = _int(row, "level", problems)
    rationale = row.get("level_rationale")
    if level is not None:
        row.level = LevelInput(level, rationale)
        for key, reason in rules.check_level(row.level, framework).items():
            problems.add(n, LEVEL_COLUMNS[key], reason)
    elif rationale and not problems.has(n, "level"):
        problems.add(n, "level", "give the level this rationale is for")


def _parse_decision(
    framework: Framework, row: Row, outcome: str, users: Users, problems: Problems
) -> None:
    """The decision cells, checked by the decision, consent and mismatch rules."""
    n = row.number
    _person(row, "decided_by", users, problems)
    row.decided_at = _instant(row, "decided_at", problems)
    scale = _int(row, "sos_scale", problems)
    if not any(row.get(c) for c in DECISION_COLUMNS):
        return
    for column in ("decided_by", "decided_at"):
        if not row.get(column) and not problems.has(n, column):
            problems.add(n, column, "a decision needs this column filled in")
    step = row.get("next_step").lower()
    row.decision = DecisionInput(
        next_step=step,
        analysis=row.get("analysis"),
        sos_worried=row.get("sos_worried"),
        sos_working_well=row.get("sos_working_well"),
        sos_needs_to_happen=row.get("sos_needs_to_happen"),
        sos_scale=scale,
        mismatch_justification=row.get("mismatch_justification"),
    )
    errors = rules.check_decision(row.decision)
    if step and "next_step" in errors:
        errors.update(rules.check_next_step(step))
    if problems.has(n, "sos_scale"):
        errors.pop("sos_scale", None)
    _add_all(problems, n, errors)
    level = row.level.level if row.level is not None else None
    if level is None and not problems.has(n, "level"):
        problems.add(n, "level", "a decision needs the Level of Need")
    if row.consent is None or not rules.check_consent(row.consent):
        authorised = 1 if row.get("override_authorised_by") else None
        grounds = row.consent.grounds if row.consent else ""
        rationale = row.consent.rationale if row.consent else ""
        unsettled = rules.check_consent_settled(outcome, grounds, rationale, authorised)
        if not problems.has(n, "consent_outcome"):
            _add_all(problems, n, unsettled)
    _add_all(
        problems,
        n,
        rules.check_mismatch(framework, level, step, row.decision.mismatch_justification),
    )


def _check_order(row: Row, now: datetime, problems: Problems) -> None:
    """received <= override, decided <= authorised <= now; informed between received and now."""
    received = row.received
    checks: list[tuple[str, datetime | None, datetime | None, str]] = [
        ("override_authorised_at", received, row.override_at, "the contact was received"),
        ("decided_at", received, row.decided_at, "the contact was received"),
        ("decided_at", row.override_at, row.decided_at, "the consent override was authorised"),
        ("authorised_at", row.decided_at, row.authorised_at, "the decision was made"),
        ("referrer_informed_at", received, row.informed_at, "the contact was received"),
    ]
    for column, earlier, later, what in checks:
        if earlier is not None and later is not None and later < earlier:
            problems.add(row.number, column, f"this is before {what}")
    for column, value in (
        ("override_authorised_at", row.override_at),
        ("decided_at", row.decided_at),
        ("authorised_at", row.authorised_at),
        ("referrer_informed_at", row.informed_at),
    ):
        if value is not None and rules.in_future(value, now):
            problems.add(row.number, column, "this is in the future")


# ---------------------------------------------------------------- families
def families_of(rows: list[Row], problems: Problems) -> list[Family]:
    """Group siblings by family_ref; the rows of a family must share the referral's details."""
    families: list[Family] = []
    by_ref: dict[str, Family] = {}
    for row in rows:
        ref = row.get("family_ref")
        if not ref:
            families.append(Family([row]))
            continue
        family = by_ref.get(ref)
        if family is None:
            family = by_ref[ref] = Family([row])
            families.append(family)
            continue
        first = family.first
        for column in SHARED:
            if row.get(column) != first.get(column):
                problems.add(
                    row.number,
                    column,
                    f"differs from row {first.number}: children with family_ref '{ref}' "
                    "share one referral, so this must be the same",
                )
        family.rows.append(row)
    return families


def check_family(family: Family, now: datetime, problems: Problems) -> None:
    """The intake rules, with each message put on the column it is about."""
    first = family.first
    # Child checks are made as at the day the contact was received, as history was (or
    # as at now when the received time is itself wrong, which is already reported).
    at = first.received or now
    intake = family.intake(at)
    if first.received is not None:
        _add_all(problems, first.number, rules.check_received_at(first.received, now))
    for key, reason in rules.check_intake(intake, at).items():
        if key.startswith("children["):
            index = int(key[len("children[") : key.index("]")])
            column = "child_" + key.split(".", 1)[1]
            problems.add(family.rows[index].number, column, reason)
        elif key == "children":
            problems.add(first.number, "child_last_name", reason)
        else:
            problems.add(first.number, key, reason)
