"""CSV import: every problem reported with row and column, and nothing half-imported."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import ImportFailed, MashError
from mash_tui.domain.states import ContactState
from mash_tui.importer import COLUMNS, REQUIRED, import_csv
from mash_tui.services import Services
from mash_tui.store.tables import AuditEntry, Child, Contact, User

DATA = Path(__file__).parent.parent / "data"
GOOD = DATA / "contacts_good.csv"
BAD = DATA / "contacts_bad.csv"

BAD_PROBLEMS = [
    (1, "colour", "unknown column (docs/import.md lists the column names)"),
    (
        2,
        "received_at",
        "'31/02/2026 10:00' is not a real date and time (day is out of range for month): "
        "use dd/mm/yyyy HH:MM",
    ),
    (2, "source_code", "'2Z' is not a contact source code"),
    (
        3,
        "consent_outcome",
        "record whether consent to share was sought and given first",
    ),
    (
        3,
        "mismatch_justification",
        "Level 4 does not usually lead to 'No further action': justify the decision "
        "(at least 8 words)",
    ),
    (4, "authorised_by", "'scr' is a screener, not a manager"),
    (4, "authorised_at", "this is before the decision was made"),
    (6, "(whole row)", "is the same as row 5"),
    (
        8,
        "concern",
        "differs from row 7: children with family_ref 'F9' share one referral, "
        "so this must be the same",
    ),
    (9, "factors", "'witchcraft' is not a known factor"),
    (9, "priority", "priority must be red, amber or green"),
    (9, "child_date_of_birth", "the date of birth is after the contact"),
    (9, "child_nhs_number", "an NHS number has 10 digits"),
    (10, "consent_grounds", "record the grounds for proceeding without consent"),
    (10, "consent_lawful_basis", "record the lawful basis for sharing without consent"),
    (
        10,
        "consent_rationale",
        "the rationale for overriding consent must explain the risk (at least 8 words)",
    ),
    (10, "override_authorised_by", "'nobody' has no mash-tui user record"),
    (10, "override_authorised_at", "say when the override was authorised"),
    (11, "received_at", "the received time cannot be in the future"),
    (
        11,
        "consent_outcome",
        "record whether consent to share was sought and given first",
    ),
    (11, "level", "choose a level from 1 to 4"),
    (11, "level_rationale", "explain why this level fits (a sentence or more)"),
    (11, "next_step", "choose a next step"),
    (11, "analysis", "write the analysis behind the decision"),
    (11, "sos_worried", "what are we worried about?"),
    (11, "sos_working_well", "what's working well?"),
    (11, "sos_needs_to_happen", "what needs to happen?"),
    (11, "sos_scale", "the safety scale runs from 0 to 10"),
    (11, "decided_by", "a decision needs this column filled in"),
    (11, "decided_at", "a decision needs this column filled in"),
    (12, "(whole row)", "has 38 cells but the header has 37 columns"),
]


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _contacts(services: Services) -> list[Contact]:
    with services.read() as session:
        return list(session.scalars(select(Contact).order_by(col(Contact.id))))


def _counts(services: Services) -> tuple[int, int, int]:
    """Contacts, children and audit entries: what an import would change."""
    with services.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Contact, Child, AuditEntry)
        )


def _user_id(services: Services, username: str) -> int | None:
    with services.read() as session:
        user = session.scalars(select(User).where(col(User.username) == username)).one()
        return user.id


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


MINIMAL = "received_at,source_code,referrer_name,concern,child_first_name,child_last_name\n"


def test_good_file_imports_open_decided_and_sibling_contacts(services: Services) -> None:
    assert import_csv(services, "mgr", GOOD) == 6
    open_, sib1, sib2, awaiting, late, unborn = _contacts(services)
    mgr, scr, scr2 = (_user_id(services, u) for u in ("mgr", "scr", "scr2"))

    # An open contact: London wall time in GMT, a multi-line concern, codes normalised.
    assert open_.state == ContactState.SCREENING and open_.is_open
    assert open_.received_at == utc(2026, 11, 16, 15, 40)
    assert open_.deadline_at == utc(2026, 11, 17, 15, 40)
    assert open_.concern.splitlines() == [
        "Police attended a domestic incident at 14:55.",
        "The child was in the house at the time.",
    ]
    assert open_.factors == ["alcohol_misuse", "domestic_abuse"]
    assert open_.priority == "amber" and open_.assigned_to_id == scr
    assert open_.consent_outcome is None and open_.level is None

    # Siblings: one family, ISO time with an offset, BST wall times, authorised by mgr.
    assert sib1.family_id is not None and sib1.family_id == sib2.family_id
    assert sib1.source_code == "2A" and sib1.priority == "green"
    assert sib1.received_at == utc(2026, 10, 20, 8, 15)
    assert sib1.decided_at == utc(2026, 10, 20, 12, 30)
    assert sib1.authorised_at == utc(2026, 10, 20, 14, 5)
    assert sib1.referrer_informed_at == utc(2026, 10, 21, 8, 0)
    assert sib2.referrer_informed_at is None
    for c in (sib1, sib2):
        assert c.state == ContactState.AUTHORISED and not c.is_open
        assert c.authorised_by_id == mgr and c.decided_by_id == scr2 and c.assigned_to_id == scr2
        assert c.level == 2 and c.next_step == "early_help" and c.sos_scale == 7
        assert c.framework_id == services.framework.id

    # Consent refused, override authorised, decided, waiting for a manager.
    assert awaiting.state == ContactState.AWAITING_AUTHORISATION and awaiting.is_open
    assert awaiting.consent_outcome == "refused"
    assert awaiting.override_authorised_by_id == mgr
    assert awaiting.override_authorised_at == utc(2026, 11, 17, 8, 10)
    assert awaiting.submitted_at == awaiting.decided_at == utc(2026, 11, 17, 9, 20)
    assert Services.consent_satisfied(awaiting)
    # No screener column: logged by the person importing, then handed to its decider.
    assert awaiting.assigned_to_id == awaiting.decided_by_id
    assert awaiting.decided_by_id != mgr

    # Level 3 with no further action, justified; authorised by an admin after 24 hours.
    assert late.level == 3 and late.next_step == "nfa"
    assert not services.fits(late.level, late.next_step) and late.mismatch_justification
    assert late.authorised_at is not None
    assert (late.authorised_at - late.received_at).total_seconds() > 24 * 3600

    # An unborn child, anonymous referrer: consent and level recorded, still screening.
    assert unborn.state == ContactState.SCREENING and unborn.level == 3
    with services.read() as session:
        child = session.get(Child, unborn.child_id)
        assert child is not None and child.unborn and child.first_name == "Unborn"
        first = session.get(Child, open_.child_id)
        assert first is not None
        assert first.last_name == "Wiśniewska" and first.postcode == "MT4 2AB"
        assert first.nhs_number == "9991234578"

    # Each imported contact says where it came from, and the audit chain holds.
    imports = [e for e in services.history(sib2.id or 0) if e.action == "import"]
    assert [e.reason for e in imports] == ["imported from contacts_good.csv row 4"]
    assert imports[0].username == "mgr"
    assert services.verify_audit("mgr").ok


def test_bad_file_reports_every_problem_and_writes_nothing(services: Services) -> None:
    before = _counts(services)
    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", BAD)
    assert caught.value.problems == BAD_PROBLEMS
    assert _counts(services) == before


def test_importing_the_same_file_twice_is_refused(services: Services) -> None:
    import_csv(services, "mgr", GOOD)
    before = _counts(services)
    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", GOOD)
    problems = caught.value.problems
    assert [row for row, _, _ in problems] == [2, 3, 4, 5, 6, 7]
    assert problems[0] == (
        2,
        "(whole row)",
        "this contact is already in the database as MASH-0000001",
    )
    assert _counts(services) == before


def test_missing_and_unknown_columns_are_named_once(services: Services, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "cols.csv",
        "received_at,Source_Code ,child_last_name,notes,notes\n"
        "10/11/2026 10:00,9,Osei,a,b\n"
        "10/11/2026 11:00,9,Mensah,c,d\n",
    )
    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", path)
    assert caught.value.problems == [
        (1, "notes", "unknown column (docs/import.md lists the column names)"),
        (1, "concern", "this required column is missing from the header row"),
        (1, "child_first_name", "this required column is missing from the header row"),
    ]


def test_only_a_manager_may_import(services: Services, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "one.csv",
        MINIMAL + "05/11/2026 09:30,1A,Gran Osei,Left alone overnight,Kofi,Osei\n",
    )
    with pytest.raises(MashError, match="only a manager can import"):
        import_csv(services, "scr", path)
    with pytest.raises(MashError, match="'stranger' has no active mash-tui user record"):
        import_csv(services, "stranger", path)
    assert _counts(services)[0] == 0
    assert import_csv(services, "admin", path) == 1


def test_utf8_with_bom_is_read(services: Services, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bom.csv",
        MINIMAL + "05/11/2026 09:30,1A,Gran Ní Bhriain,Left alone overnight,Aoife,Ní Bhriain\n",
        "utf-8-sig",
    )
    assert import_csv(services, "mgr", path) == 1
    with services.read() as session:
        assert session.scalars(select(col(Child.last_name))).one() == "Ní Bhriain"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (MINIMAL.encode() + b"\n,,,,,\n", "has a header row but no contacts"),
        (
            MINIMAL.encode() + "05/11/2026 09:30,1A,Gran,Alone,Zoë,Brown\n".encode("latin-1"),
            r"is not UTF-8 text \(line 2",
        ),
        (MINIMAL.encode() + b'05/11/2026 09:30,1A,"Gran\x00,x,y,z\n', "not valid CSV"),
    ],
)
def test_unreadable_files_get_one_clear_message(
    services: Services, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(MashError, match=message):
        import_csv(services, "mgr", path)
    assert _counts(services)[0] == 0


def test_missing_file(services: Services, tmp_path: Path) -> None:
    with pytest.raises(MashError, match="no such file"):
        import_csv(services, "mgr", tmp_path / "nowhere.csv")


def test_blank_rows_are_skipped_but_rows_keep_their_numbers(
    services: Services, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "gaps.csv",
        MINIMAL + ",,,,,\n05/11/2026 09:30,1A,Gran,Alone,Zoë,\n",
    )
    with pytest.raises(ImportFailed) as caught:
        import_csv(services, "mgr", path)
    assert caught.value.problems == [(3, "child_last_name", "give the child's last name")]


def test_every_documented_column_is_known() -> None:
    doc = (Path(__file__).parent.parent.parent / "docs" / "import.md").read_text("utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in doc, column
    assert set(REQUIRED) <= set(COLUMNS)


def test_cli_import_success_and_every_problem_on_stderr(
    database_url: str,
    clock: FrozenClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASH_TUI_USER", "boss")
    assert main(["--database", database_url, "users", "add", "boss", "--role", "manager"]) == 0
    for username in ("scr", "scr2", "mgr"):
        role = "manager" if username == "mgr" else "screener"
        assert main(["--database", database_url, "users", "add", username, "--role", role]) == 0
    assert main(["--database", database_url, "users", "add", "admin", "--role", "admin"]) == 0
    capsys.readouterr()

    bad = shutil.copy(BAD, tmp_path / "bad.csv")
    assert main(["--database", database_url, "import", "contacts", str(bad)], clock=clock) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0] == f"mash-tui: nothing imported from {bad}: {len(BAD_PROBLEMS)} problems"
    assert lines[1:] == [f"row {r}, column {c}: {why}" for r, c, why in BAD_PROBLEMS]
    assert captured.out == ""

    assert main(["--database", database_url, "import", "contacts", str(GOOD)], clock=clock) == 0
    assert capsys.readouterr().out == f"imported 6 contacts from {GOOD}\n"

    missing = tmp_path / "missing.csv"
    assert main(["--database", database_url, "import", "contacts", str(missing)], clock=clock) == 1
    assert capsys.readouterr().err == f"mash-tui: no such file: {missing}\n"
