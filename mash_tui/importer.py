"""Import contacts from a CSV file (format in docs/import.md), all or nothing.

Every row is checked first and every problem is reported with its spreadsheet row
number (the header is row 1), its column and the reason. Only a clean file is written,
in one transaction, through the service layer's own per-session helpers so the same
rules apply as in the app: consent settled before a decision, authorisers who are
managers, a justification when the level and next step do not fit, and timestamps in
order (received <= decided <= authorised <= now, informed after received).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import ensure_utc, parse_local
from mash_tui.domain.errors import ImportFailed, MashError
from mash_tui.domain.inputs import ChildInput, ConsentInput, DecisionInput, IntakeInput, LevelInput
from mash_tui.domain.levels import NEXT_STEPS

if TYPE_CHECKING:
    from sqlmodel import Session

    from mash_tui.services import Services
    from mash_tui.store.tables import Contact, User

__all__ = ["COLUMNS", "REQUIRED", "SHARED", "import_csv"]

# Every column the importer understands, in the order the documentation lists them.
COLUMNS: tuple[str, ...] = (
    "family_ref",
    "received_at",
    "referrer_name",
    "referrer_agency",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "source_code",
    "concern",
    "factors",
    "priority",
    "screener",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "child_unborn",
    "child_expected_date",
    "child_gender",
    "child_ethnicity",
    "child_address",
    "child_postcode",
    "child_school",
    "child_nhs_number",
    "child_upn",
    "consent_outcome",
    "consent_sought_by",
    "consent_sought_from",
    "consent_method",
    "consent_grounds",
    "consent_lawful_basis",
    "consent_rationale",
    "override_authorised_by",
    "override_authorised_at",
    "level",
    "level_rationale",
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "mismatch_justification",
    "decided_by",
    "decided_at",
    "authorised_by",
    "authorised_at",
    "referrer_informed_at",
)
REQUIRED: tuple[str, ...] = (
    "received_at",
    "source_code",
    "concern",
    "child_first_name",
    "child_last_name",
)
# One referral about siblings: these must be the same on every row of a family.
SHARED: tuple[str, ...] = (
    "received_at",
    "referrer_name",
    "referrer_agency",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "source_code",
    "concern",
    "factors",
    "priority",
    "screener",
)
CONSENT_COLUMNS = tuple(c for c in COLUMNS if c.startswith("consent_"))
DECISION_COLUMNS = (
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "mismatch_justification",
    "decided_by",
    "decided_at",
)
DECISION_NEEDS = (
    "next_step",
    "analysis",
    "sos_worried",
    "sos_working_well",
    "sos_needs_to_happen",
    "sos_scale",
    "decided_by",
    "decided_at",
)
TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0", ""}
WHOLE_ROW = "(whole row)"
MIN_LEVEL_RATIONALE = 20  # as Services._set_level asks


@dataclass
class _Row:
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
        return self.cells.get(column, "").strip()


@dataclass
class _Family:
    """Rows that make one referral: one row, or siblings sharing a family_ref."""

    rows: list[_Row]

    @property
    def first(self) -> _Row:
        return self.rows[0]


class _Problems:
    """Collects (row, column, reason); the first reason for a cell wins.

    A column missing from the header is reported once, on row 1, not again on every row.
    """

    def __init__(self) -> None:
        self.found: dict[tuple[int, str], str] = {}
        self.missing: set[str] = set()

    def add(self, row: int, column: str, reason: str) -> None:
        if row > 1 and column in self.missing:
            return
        self.found.setdefault((row, column), reason)

    def has(self, row: int, column: str) -> bool:
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


def import_csv(services: Services, login: str, path: Path) -> int:
    """Import every contact in a CSV file, or nothing, so a council's history moves over whole."""
    header, records = _read(path)
    problems = _Problems()
    rows = _check_header(header, records, problems)
    now = services.clock.now()
    users = _users(services)
    importer = users.get(login)
    if importer is None or not importer[1]:
        raise MashError(
            f"'{login}' has no active mash-tui user record; ask a manager to run "
            f"`mash-tui users add {login}`"
        )
    if importer[0] not in ("manager", "admin"):
        raise MashError(f"only a manager can import contacts; you are a {importer[0]}")
    for row in rows:
        _parse(services, row, now, users, login, problems)
    families = _families(rows, problems)
    for family in families:
        _check_family(services, family, now, problems)
    if not problems:
        _check_already_there(services, families, problems)
    if problems:
        raise ImportFailed(problems.sorted(header))
    return _write(services, login, path.name, families, now, header)


# ---------------------------------------------------------------- reading the file
def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank records, each with its spreadsheet row number."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MashError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise MashError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise MashError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MashError(
            f"{path.name} is not UTF-8 text (line {line} has a byte UTF-8 does not allow): "
            "save it as 'CSV UTF-8' and import it again"
        ) from None
    if not text.strip():
        raise MashError(f"{path.name} is empty: it needs a header row and one row per child")
    # strict: an unterminated quote is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        raise MashError(f"{path.name} line {reader.line_num}: not valid CSV ({exc})") from None
    header = [name.strip().lower() for name in records[0][1]]
    body = [(n, r) for n, r in records[1:] if any(cell.strip() for cell in r)]
    if not body:
        raise MashError(f"{path.name} has a header row but no contacts")
    return header, body


def _check_header(
    header: list[str], records: list[tuple[int, list[str]]], problems: _Problems
) -> list[_Row]:
    """Name missing, unknown and repeated columns; turn records into rows by column."""
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(1, name, "this column appears more than once")
        seen.add(name)
        if name and name not in COLUMNS:
            problems.add(1, name, "unknown column (docs/import.md lists the column names)")
        if not name:
            problems.add(1, "(blank)", "a column has no name in the header row")
    for name in REQUIRED:
        if name not in seen:
            problems.add(1, name, "this required column is missing from the header row")
            problems.missing.add(name)
    rows = []
    earlier: dict[tuple[str, ...], int] = {}
    for number, record in records:
        if len(record) > len(header):
            problems.add(
                number,
                WHOLE_ROW,
                f"has {len(record)} cells but the header has {len(header)} columns",
            )
        cells = {name: value for name, value in zip(header, record, strict=False)}
        key = tuple(cell.strip() for cell in record)
        if key in earlier:
            problems.add(number, WHOLE_ROW, f"is the same as row {earlier[key]}")
        else:
            earlier[key] = number
        rows.append(_Row(number, cells))
    return rows


def _users(services: Services) -> dict[str, tuple[str, bool]]:
    """Username -> (role, active), read once."""
    return {u.username: (u.role, u.active) for u in services.list_users()}


# ---------------------------------------------------------------- one row
def _instant(row: _Row, column: str, problems: _Problems) -> datetime | None:
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


def _date(row: _Row, column: str, problems: _Problems) -> date | None:
    text = row.get(column)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.add(row.number, column, f"{text!r} is not a date: use dd/mm/yyyy")
    return None


def _int(row: _Row, column: str, problems: _Problems) -> int | None:
    text = row.get(column)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.add(row.number, column, f"{text!r} is not a whole number")
        return None


def _person(
    row: _Row,
    column: str,
    users: dict[str, tuple[str, bool]],
    problems: _Problems,
    *,
    manager: bool = False,
) -> str:
    """A username that has an active record (and a manager's role where one is needed)."""
    name = row.get(column)
    if not name:
        return ""
    if name not in users:
        problems.add(row.number, column, f"'{name}' has no mash-tui user record")
    elif not users[name][1]:
        problems.add(row.number, column, f"'{name}' is disabled: enable them for the import")
    elif manager and users[name][0] not in ("manager", "admin"):
        problems.add(row.number, column, f"'{name}' is a {users[name][0]}, not a manager")
    return name


def _parse(
    services: Services,
    row: _Row,
    now: datetime,
    users: dict[str, tuple[str, bool]],
    login: str,
    problems: _Problems,
) -> None:
    """Read every cell of one row, noting each problem against its column."""
    from mash_tui.services import FUTURE_TOLERANCE, is_non_trivial

    n = row.number
    row.received = _instant(row, "received_at", problems)
    if row.received is None and not problems.has(n, "received_at"):
        problems.add(n, "received_at", "give the date and time the contact was received")
    if row.received is not None and row.received > now + FUTURE_TOLERANCE:
        problems.add(n, "received_at", "the received time is in the future")
    row.source = row.get("source_code").upper()
    row.priority = row.get("priority").lower() or "amber"
    row.factors = [f.strip().lower() for f in row.get("factors").split(";") if f.strip()]
    if row.get("screener"):
        _person(row, "screener", users, problems)
    else:
        row.cells["screener"] = login

    # The child.
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
    if len(row.child.upn) > 13:
        problems.add(n, "child_upn", "a unique pupil number has 13 characters")

    # Consent to share.
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
        for key, reason in services._check_consent(row.consent).items():
            problems.add(n, f"consent_{key}", reason)
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
        if outcome == "given":
            problems.add(n, "override_authorised_by", "consent was given: there is no override")
        elif not outcome:
            problems.add(n, "consent_outcome", "an override needs the consent outcome recorded")

    # Level of Need.
    level = _int(row, "level", problems)
    rationale = row.get("level_rationale")
    numbers = [lvl.number for lvl in services.framework.levels]
    if level is not None:
        if level not in numbers:
            problems.add(n, "level", f"choose a level from {numbers[0]} to {numbers[-1]}")
        if len(rationale) < MIN_LEVEL_RATIONALE:
            problems.add(n, "level_rationale", "explain why this level fits (a sentence or more)")
        row.level = LevelInput(level, rationale)
    elif rationale and not problems.has(n, "level"):
        problems.add(n, "level", "give the level this rationale is for")

    # Decision.
    _person(row, "decided_by", users, problems)
    row.decided_at = _instant(row, "decided_at", problems)
    scale = _int(row, "sos_scale", problems)
    if any(row.get(c) for c in DECISION_COLUMNS):
        for column in DECISION_NEEDS:
            if not row.get(column) and not problems.has(n, column):
                problems.add(n, column, "a decision needs this column filled in")
        step = row.get("next_step").lower()
        if step and step not in NEXT_STEPS:
            problems.add(n, "next_step", f"'{step}' is not a next step ({', '.join(NEXT_STEPS)})")
        if scale is not None and not 0 <= scale <= 10:
            problems.add(n, "sos_scale", "the safety scale runs from 0 to 10")
        if level is None and not problems.has(n, "level"):
            problems.add(n, "level", "a decision needs the Level of Need")
        consent_ok = outcome == "given" or (outcome in ("refused", "not_sought") and override_by)
        if not consent_ok and not problems.has(n, "consent_outcome"):
            problems.add(
                n,
                "consent_outcome",
                "a decided contact needs consent given, or an override a manager authorised",
            )
        justification = row.get("mismatch_justification")
        if (
            level in numbers
            and step in NEXT_STEPS
            and not services.fits(level, step)
            and not is_non_trivial(justification)
        ):
            problems.add(
                n,
                "mismatch_justification",
                f"Level {level} does not usually lead to '{NEXT_STEPS[step]}': justify it "
                "in at least eight words",
            )
        row.decision = DecisionInput(
            next_step=step,
            analysis=row.get("analysis"),
            sos_worried=row.get("sos_worried"),
            sos_working_well=row.get("sos_working_well"),
            sos_needs_to_happen=row.get("sos_needs_to_happen"),
            sos_scale=scale,
            mismatch_justification=justification,
        )

    # Authorisation and feedback.
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


def _check_order(row: _Row, now: datetime, problems: _Problems) -> None:
    """received <= override, decided <= authorised <= now; informed between received and now."""
    from mash_tui.services import FUTURE_TOLERANCE

    limit = now + FUTURE_TOLERANCE
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
        if value is not None and value > limit:
            problems.add(row.number, column, "this is in the future")


# ---------------------------------------------------------------- families
def _families(rows: list[_Row], problems: _Problems) -> list[_Family]:
    """Group siblings by family_ref; the rows of a family must share the referral's details."""
    families: list[_Family] = []
    by_ref: dict[str, _Family] = {}
    for row in rows:
        ref = row.get("family_ref")
        if not ref:
            families.append(_Family([row]))
            continue
        family = by_ref.get(ref)
        if family is None:
            family = by_ref[ref] = _Family([row])
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


def _intake(family: _Family, received: datetime) -> IntakeInput:
    """The referral the family's rows describe (its first row carries the shared details)."""
    first = family.first
    return IntakeInput(
        received_at=received,
        source_code=first.source,
        concern=first.get("concern"),
        children=[row.child for row in family.rows if row.child is not None],
        referrer_name=first.get("referrer_name"),
        referrer_agency=first.get("referrer_agency"),
        referrer_role=first.get("referrer_role"),
        referrer_phone=first.get("referrer_phone"),
        referrer_email=first.get("referrer_email"),
        factors=first.factors,
        priority=first.priority,
    )


def _check_family(services: Services, family: _Family, now: datetime, problems: _Problems) -> None:
    """The service's own intake checks, with each message put on the column it is about."""
    first = family.first
    # Child checks are made as at the day the contact was received, as history was (or
    # as at now when the received time is itself wrong, which is already reported).
    at = first.received or now
    intake = _intake(family, at)
    for key, reason in services._check_intake(intake, at).items():
        if key.startswith("children["):
            index = int(key[len("children[") : key.index("]")])
            column = "child_" + key.split(".", 1)[1]
            problems.add(family.rows[index].number, column, reason)
        elif key == "children":
            problems.add(first.number, "child_last_name", reason)
        else:
            problems.add(first.number, key, reason)


def _check_already_there(services: Services, families: list[_Family], problems: _Problems) -> None:
    """Refuse a second import of the same contacts (same child, receipt and concern)."""
    from sqlalchemy import select
    from sqlmodel import col

    from mash_tui.store.tables import Child, Contact

    received = sorted({f.first.received for f in families if f.first.received is not None})
    if not received:
        return
    with services.read() as session:
        stmt = (
            select(
                col(Contact.reference),
                col(Contact.received_at),
                col(Contact.concern),
                col(Child.first_name),
                col(Child.last_name),
            )
            .join(Child, col(Child.id) == col(Contact.child_id))
            .where(
                col(Contact.received_at) >= received[0], col(Contact.received_at) <= received[-1]
            )
        )
        known: dict[tuple[Any, ...], str] = {}
        for reference, at, concern, first_name, last_name in session.execute(stmt):
            known[(at, concern.strip(), first_name.lower(), last_name.lower())] = reference
    for family in families:
        for row in family.rows:
            assert row.child is not None
            key = (
                family.first.received,
                family.first.get("concern"),
                (row.child.first_name or "Unborn").lower(),
                row.child.last_name.lower(),
            )
            if key in known:
                problems.add(
                    row.number,
                    WHOLE_ROW,
                    f"this contact is already in the database as {known[key]}",
                )


# ---------------------------------------------------------------- writing
def _write(
    services: Services,
    login: str,
    source: str,
    families: list[_Family],
    now: datetime,
    header: list[str],
) -> int:
    """Write every family in one transaction; any refusal undoes the lot."""
    from mash_tui.store.tables import Role

    problems = _Problems()
    count = 0
    with services.write() as session:
        people: dict[tuple[str, Role], User] = {}

        def person(username: str, role: Role = Role.SCREENER) -> User:
            if (username, role) not in people:
                people[username, role] = services._actor(session, username, role)
            return people[username, role]

        importer = person(login, Role.MANAGER)
        for family in families:
            row = family.first
            try:
                assert row.received is not None
                screener = person(row.get("screener"))
                contacts = services._create(
                    session, screener, _intake(family, row.received), row.received
                )
                for contact, child_row in zip(contacts, family.rows, strict=True):
                    row = child_row
                    _history(services, session, person, contact, row, now)
                    assert contact.id is not None
                    services._audit(
                        session,
                        importer.username,
                        "import",
                        "contact",
                        str(contact.id),
                        contact.id,
                        None,
                        {"file": source, "row": row.number, "reference": contact.reference},
                        f"imported from {source} row {row.number}",
                        now,
                    )
                    count += 1
            except MashError as exc:
                problems.add(row.number, _column_of(exc), exc.message)
        if problems:
            raise ImportFailed(problems.sorted(header))
    return count


def _column_of(exc: MashError) -> str:
    """The CSV column a service refusal is about, as near as it says."""
    field_name = exc.field or ""
    if hasattr(exc, "errors") and exc.errors:
        field_name = next(iter(exc.errors))
    mapping = {
        "outcome": "consent_outcome",
        "rationale": "consent_rationale",
        "comment": "authorised_by",
    }
    if field_name in COLUMNS:
        return field_name
    return mapping.get(field_name, WHOLE_ROW)


def _history(
    services: Services,
    session: Session,
    person: Callable[..., User],
    contact: Contact,
    row: _Row,
    now: datetime,
) -> None:
    """Replay one contact's recorded steps at the instants the file gives."""
    from mash_tui.services import snapshot
    from mash_tui.store.tables import Role

    screener = person(row.get("screener"))
    decider = person(row.get("decided_by")) if row.get("decided_by") else screener
    later = [t for t in (row.override_at, row.decided_at) if t is not None]
    if row.consent is not None:
        services._record_consent(session, decider, contact, row.consent, min(later, default=now))
    if row.override_at is not None:
        manager = person(row.get("override_authorised_by"), Role.MANAGER)
        services._authorise_override(session, manager, contact, row.override_at)
    if row.level is not None:
        services._set_level(session, decider, contact, row.level, row.decided_at or now)
    if row.decision is not None:
        assert row.decided_at is not None
        services._record_decision(session, decider, contact, row.decision, row.decided_at)
        services._submit(session, decider, contact, row.decided_at)
    if row.authorised_at is not None:
        manager = person(row.get("authorised_by"), Role.MANAGER)
        services._authorise(session, manager, contact, row.authorised_at)
    if row.informed_at is not None:
        # As Services.record_referrer_informed, with the time the file gives.
        before = snapshot(contact, ["referrer_informed_at"])
        contact.referrer_informed_at = row.informed_at
        services._save(session, contact, decider, "referrer_informed", before, row.informed_at)
