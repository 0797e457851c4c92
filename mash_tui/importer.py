"""Provides `import_csv`: contacts from a CSV file (format in docs/import.md), all or nothing.

Every row is checked first (see import_rows.py) and every problem is reported with its
spreadsheet row number (the header is row 1), its column and the reason. Only a clean
file is written, by replaying each contact's history through the same public use-case
functions the app calls, each step at the instant the file gives and in the named
person's name. It is written in batches, each its own unit of work, so other people's
saves get the writer lock between them; the batches are recorded as one import run
(usecases/imports.py), and if any batch is refused, what the run wrote is taken out again.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mash_tui.domain.errors import ImportFailed, MashError, ValidationFailed
from mash_tui.domain.states import Role, is_manager
from mash_tui.import_columns import COLUMNS, REQUIRED, SHARED
from mash_tui.import_rows import (
    WHOLE_ROW,
    Family,
    Problems,
    Row,
    check_family,
    families_of,
    parse_row,
)
from mash_tui.queries import lookups
from mash_tui.usecases import imports, oversight, screening
from mash_tui.usecases import intake as intake_cases

if TYPE_CHECKING:
    from mash_tui.services import Services
    from mash_tui.store.tables import Contact
    from mash_tui.usecases.tx import Tx

__all__ = ["BATCH_ROWS", "COLUMNS", "REQUIRED", "SHARED", "give_way", "import_csv"]

# Rows per transaction: a batch holds the writer lock about half a second on an idle
# machine, a few seconds on a loaded one (the 100,000-row benchmark saw 9.9 s waits at 1,000).
BATCH_ROWS = 500

# Called between two batches (the writer lock free), with the contacts written so far.
BetweenBatches = Callable[[int], None]
# Longer than SQLite's longest busy-handler nap (100 ms), so a colleague's save that is
# waiting for the lock gets it before the next batch takes it again.
GIVE_WAY_SECONDS = 0.12


def give_way(written: int) -> None:
    """Pause between batches so whoever is waiting to save goes first."""
    time.sleep(GIVE_WAY_SECONDS)


def import_csv(
    services: Services,
    login: str,
    path: Path,
    *,
    batch_rows: int = BATCH_ROWS,
    between: BetweenBatches = give_way,
) -> int:
    """Import every contact in a CSV file, or nothing, so a council's history moves over whole."""
    header, records = _read(path)
    problems = Problems()
    rows = _check_header(header, records, problems)
    now = services.clock.now()
    users = {u.username: (str(u.role), u.active) for u in services.list_users()}
    importer = users.get(login)
    if importer is None or not importer[1]:
        raise MashError(
            f"'{login}' has no active mash-tui user record; ask a manager to run "
            f"`mash-tui users add {login}`"
        )
    if not is_manager(importer[0]):
        raise MashError(f"only a manager can import contacts; you are a {importer[0]}")
    for row in rows:
        parse_row(services.framework, row, now, users, login, problems)
    families = families_of(rows, problems)
    for family in families:
        check_family(family, now, problems)
    _undo_abandoned(services, login)
    _check_already_there(services, families, problems)
    if problems:
        raise ImportFailed(problems.sorted(header))
    return _write(services, login, path.name, families, now, header, max(1, batch_rows), between)


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
    header: list[str], records: list[tuple[int, list[str]]], problems: Problems
) -> list[Row]:
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
        rows.append(Row(number, cells))
    return rows


def _check_already_there(services: Services, families: list[Family], problems: Problems) -> None:
    """Refuse a second import of the same contacts (same child, receipt and concern)."""
    received = sorted({f.first.received for f in families if f.first.received is not None})
    if not received:
        return
    with services.read() as session:
        known = lookups.contacts_received(session, received[0], received[-1])
    for family in families:
        if family.first.received is None:
            continue
        for row in family.rows:
            if row.child is None:
                continue
            key = lookups.contact_key(
                family.first.received,
                family.first.get("concern"),
                row.child.first_name or "Unborn",
                row.child.last_name,
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
    families: list[Family],
    now: datetime,
    header: list[str],
    batch_rows: int,
    between: BetweenBatches,
) -> int:
    """Write the families batch by batch under one import run; any refusal undoes the run."""
    with services.unit_of_work(now) as tx:
        run_id = imports.start_run(tx, login, source)
    count = 0
    try:
        for number, batch in enumerate(_batches(families, batch_rows)):
            if number:
                between(count)
            count += _write_batch(services, login, source, run_id, batch, now, header)
        with services.unit_of_work() as tx:
            imports.finish_run(tx, login, run_id)
    except BaseException as exc:
        why = exc.message if isinstance(exc, MashError) else "the import was interrupted"
        _undo(services, login, run_id, f"import of {source} stopped: {why}")
        raise
    return count


def _batches(families: list[Family], rows: int) -> list[list[Family]]:
    """Whole families in groups of about `rows` rows (siblings are never split)."""
    batches: list[list[Family]] = [[]]
    size = 0
    for family in families:
        if size >= rows:
            batches.append([])
            size = 0
        batches[-1].append(family)
        size += len(family.rows)
    return batches


def _write_batch(
    services: Services,
    login: str,
    source: str,
    run_id: int,
    families: list[Family],
    now: datetime,
    header: list[str],
) -> int:
    """One transaction: each family's history replayed, then recorded under the run."""
    problems = Problems()
    written: list[int] = []
    with services.unit_of_work(now) as tx:
        importer = tx.person(login, Role.MANAGER).username
        for family in families:
            row = family.first
            try:
                assert row.received is not None
                contacts = intake_cases.create_contact(
                    tx.at(row.received), row.get("screener"), family.intake(row.received)
                )
                for contact, child_row in zip(contacts, family.rows, strict=True):
                    row = child_row
                    _history(tx, contact, row, now, importer)
                    assert contact.id is not None
                    tx.at(now).audit(
                        importer,
                        "import",
                        "contact",
                        str(contact.id),
                        contact.id,
                        None,
                        {"file": source, "row": row.number, "reference": contact.reference},
                        f"imported from {source} row {row.number}",
                    )
                    written.append(contact.id)
            except MashError as exc:
                problems.add(row.number, _column_of(exc), exc.message)
        if problems:
            raise ImportFailed(problems.sorted(header))
        imports.note_contacts(tx.at(services.clock.now()), login, run_id, written)
    return len(written)


def _undo(services: Services, login: str, run_id: int, why: str) -> None:
    """Take a run's contacts out again, a batch per transaction, each removal audited."""
    while True:
        with services.unit_of_work() as tx:
            if imports.undo_run(tx, login, run_id, why, BATCH_ROWS) == 0:
                return


def _undo_abandoned(services: Services, login: str) -> None:
    """Take out what an import that was stopped part way (its process killed) had written."""
    with services.unit_of_work() as tx:
        stale = imports.clear_abandoned(tx, login, services.clock.now())
    for run_id in stale:
        _undo(services, login, run_id, "an earlier import stopped part way")


def _column_of(exc: MashError) -> str:
    """The CSV column a refusal is about, as near as it says."""
    field_name = exc.field or ""
    errors: Any = getattr(exc, "errors", None)
    if errors:
        field_name = next(iter(errors))
    mapping = {
        "outcome": "consent_outcome",
        "rationale": "consent_rationale",
        "comment": "authorised_by",
    }
    if field_name in COLUMNS:
        return field_name
    return mapping.get(field_name, WHOLE_ROW)


@contextmanager
def _note_column(column: str) -> Iterator[None]:
    """Name the file's note column when the manager's note a rule requires is missing."""
    try:
        yield
    except ValidationFailed as exc:
        if "note" not in exc.errors:
            raise
        raise ValidationFailed({column: exc.errors["note"]}) from None


def _history(tx: Tx, contact: Contact, row: Row, now: datetime, importer: str) -> None:
    """Replay one contact's recorded steps at the instants the file gives."""
    assert contact.id is not None
    cid = contact.id
    screener = row.get("screener")
    decider = row.get("decided_by") or screener
    if decider != screener and contact.assigned_to_id is not None:
        # Someone other than the screener who logged it screened it: the history had it
        # handed over, so the importing manager hands it over too (audited), as the rule
        # "a screener changes only their own contacts" needs.
        oversight.reassign(tx, importer, cid, contact.version, decider)
    later = [t for t in (row.override_at, row.decided_at) if t is not None]
    if row.consent is not None:
        at = min(later, default=now)
        screening.record_consent(tx.at(at), decider, cid, contact.version, row.consent)
    if row.override_at is not None:
        manager = row.get("override_authorised_by")
        with _note_column("override_note"):
            oversight.authorise_override(
                tx.at(row.override_at), manager, cid, contact.version, row.get("override_note")
            )
    if row.level is not None:
        at = row.decided_at or now
        screening.set_level(tx.at(at), decider, cid, contact.version, row.level)
    if row.decision is not None:
        assert row.decided_at is not None
        tx.at(row.decided_at)
        screening.record_decision(tx, decider, cid, contact.version, row.decision)
        screening.submit(tx, decider, cid, contact.version)
    if row.authorised_at is not None:
        manager = row.get("authorised_by")
        with _note_column("authorisation_note"):
            oversight.authorise(
                tx.at(row.authorised_at),
                manager,
                cid,
                contact.version,
                row.get("authorisation_note"),
            )
    if row.informed_at is not None:
        oversight.record_referrer_informed(tx.at(row.informed_at), decider, cid, contact.version)
