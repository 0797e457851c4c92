"""Annex A List 1: exact headers, coded values, UK dates, ages, and the files read back."""

from __future__ import annotations

import csv
import stat
from datetime import date
from pathlib import Path

import pytest
from builders import make_contact, utc
from openpyxl import load_workbook

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.inputs import ChildInput, IntakeInput
from mash_tui.queries.annex_a import HEADERS, age_in_years, annex_a_rows, period_bounds
from mash_tui.services import Services

EXACT_HEADERS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
]


@pytest.fixture
def period(
    services: Services, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Contacts in and around July 2026 (BST), each child's Annex A values worked out by hand."""
    ids: dict[str, str] = {}
    # Before the period: 30 June 22:59 UTC is 23:59 BST on 30 June.
    make_contact(services, clock, utc(2026, 6, 30, 22, 59), consent=None, step=None)
    # 30 June 23:30 UTC is 00:30 BST on 1 July: in the period, dated 01/07/2026, and
    # the child's 10th birthday that day.
    made = make_contact(
        services,
        clock,
        utc(2026, 6, 30, 23, 30),
        source="6",
        consent=None,
        step=None,
        child=ChildInput("Ben", "Cole", date(2016, 7, 1), gender="M", ethnicity="MWBC"),
    )
    ids["birthday"] = made.reference
    # Unborn: no date of birth, no age.
    make_contact(
        services,
        clock,
        utc(2026, 7, 10, 9),
        source="3B",
        consent=None,
        step=None,
        child=ChildInput("", "Dee", unborn=True, expected_date=date(2026, 9, 1)),
    )
    # Two siblings on one family contact: two rows, same date and source. Source 5D has
    # no letter in Annex A.
    clock.set(utc(2026, 7, 20, 14))
    services.create_contact(
        "scr",
        IntakeInput(
            received_at=utc(2026, 7, 20, 14),
            source_code="5D",
            concern="Both children seen alone at night.",
            children=[
                ChildInput("Cy", "Eze", date(2012, 7, 21), gender="N", ethnicity="BAFR"),
                ChildInput("Di", "Eze", date(2014, 1, 2), gender="F", ethnicity="REFU"),
            ],
            referrer_name="Early help worker",
        ),
    )
    # After the period: 1 August 00:00 BST is 31 July 23:00 UTC.
    make_contact(services, clock, utc(2026, 7, 31, 23), consent=None, step=None)
    clock.set(utc(2026, 8, 3, 9))
    monkeypatch.setenv("MASH_TUI_USER", "mgr")
    return ids


EXPECTED_ROWS = [
    ["CH0000002", "a) Male", "f) MWBC", "01/07/2016", "10", "01/07/2026", "q) 6: Police"],
    [
        "CH0000003",
        "c) Not stated/recorded",
        "t) NOBT",
        "",
        "",
        "10/07/2026",
        "h) 3B: Health services",
    ],
    ["CH0000004", "d) Neither", "o) BAFR", "21/07/2012", "13", "20/07/2026", "5D: LA services"],
    ["CH0000005", "b) Female", "s) REFU", "02/01/2014", "12", "20/07/2026", "5D: LA services"],
]


def test_rows_for_july(services: Services, period: dict[str, str]) -> None:
    rows = annex_a_rows(services, date(2026, 7, 1), date(2026, 7, 31))
    assert [list(r.text_cells()) for r in rows] == EXPECTED_ROWS
    assert list(HEADERS) == EXACT_HEADERS


def test_csv_export_reads_back_exactly(
    database_url: str,
    clock: FrozenClock,
    services: Services,
    period: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "annex.csv"
    code = main(
        [
            "--database",
            database_url,
            "export",
            "annex-a",
            "--from",
            "01/07/2026",
            "--to",
            "31/07/2026",
            "--output",
            str(path),
        ],
        clock=clock,
    )
    assert code == 0
    assert capsys.readouterr().out == (
        f"wrote 4 Annex A List 1 rows (01/07/2026 to 31/07/2026) to {path}\n"
    )
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [EXACT_HEADERS, *EXPECTED_ROWS]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_xlsx_export_reads_back_with_dates_and_whole_years(
    database_url: str,
    clock: FrozenClock,
    services: Services,
    period: dict[str, str],
    tmp_path: Path,
) -> None:
    path = tmp_path / "annex.xlsx"
    code = main(
        [
            "--database",
            database_url,
            "export",
            "annex-a",
            "--from",
            "2026-07-01",
            "--to",
            "2026-07-31",
            "--output",
            str(path),
        ],
        clock=clock,
    )
    assert code == 0
    book = load_workbook(path)
    ws = book.active
    assert ws is not None
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == EXACT_HEADERS
    first = values[1]
    assert first[0:3] == ("CH0000002", "a) Male", "f) MWBC")
    assert first[3] is not None and first[3].date() == date(2016, 7, 1)
    assert first[4] == 10
    assert first[5] is not None and first[5].date() == date(2026, 7, 1)
    assert ws.cell(row=2, column=4).number_format == "dd/mm/yyyy"
    assert values[2][3] is None and values[2][4] is None  # unborn
    assert len(values) == 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_is_audited(
    database_url: str,
    clock: FrozenClock,
    services: Services,
    period: dict[str, str],
    tmp_path: Path,
) -> None:
    path = tmp_path / "annex.csv"
    main(
        [
            "--database",
            database_url,
            "export",
            "annex-a",
            "--from",
            "01/07/2026",
            "--to",
            "31/07/2026",
            "--output",
            str(path),
        ],
        clock=clock,
    )
    from sqlmodel import select

    from mash_tui.store.tables import AuditEntry

    with services.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.username, entry.entity) == ("mgr", "annex_a_list_1")
    assert entry.id is not None
    with services.read() as session:
        before = session.get(AuditEntry, entry.id - 1)
    assert before is not None
    assert entry.after == {
        "from": "2026-07-01",
        "to": "2026-07-31",
        "format": "csv",
        "output": str(path),
        "rows": 4,
        "audit_head": {"id": before.id, "hash": before.hash},  # the head it was made at
    }
    assert services.verify_audit("mgr").ok


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "31/07/2026", "--to", "01/07/2026", "--output", "a.csv"],
            "mash-tui: the period starts after it ends: 31/07/2026 is after 01/07/2026",
        ),
        (
            ["--from", "01/07/2026", "--to", "31/12/9999", "--output", "a.csv"],
            "mash-tui: '31/12/9999' is out of range: use a year from 1900 to 9998",
        ),
        (
            ["--from", "32/07/2026", "--to", "01/08/2026", "--output", "a.csv"],
            "mash-tui: --from '32/07/2026' is not a date: use dd/mm/yyyy, e.g. 16/11/2026",
        ),
        (
            ["--from", "01/07/2026", "--to", "July", "--output", "a.csv"],
            "mash-tui: --to 'July' is not a date: use dd/mm/yyyy, e.g. 16/11/2026",
        ),
        (
            ["--from", "01/07/2026", "--to", "31/07/2026", "--output", "a.pdf"],
            "mash-tui: the Annex A list is written as .xlsx or .csv: a.pdf has .pdf",
        ),
        (
            ["--from", "01/01/2026", "--to", "31/01/2026", "--output", "a.csv"],
            "mash-tui: no contacts were received from 01/01/2026 to 31/01/2026: nothing to export",
        ),
        (
            ["--from", "01/07/2026", "--to", "31/07/2026", "--output", "/nonexistent/a.csv"],
            "mash-tui: cannot write /nonexistent/a.csv: the folder /nonexistent does not exist",
        ),
    ],
)
def test_bad_arguments_get_one_line_and_exit_1(
    database_url: str,
    clock: FrozenClock,
    period: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--database", database_url, "export", "annex-a", *args], clock=clock) == 1
    assert capsys.readouterr() == ("", message + "\n")
    assert not (tmp_path / "a.csv").exists()


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2016, 7, 1), date(2026, 6, 30), 9),
        (date(2016, 7, 1), date(2026, 7, 1), 10),
        (date(2012, 2, 29), date(2026, 2, 28), 13),
        (date(2012, 2, 29), date(2026, 3, 1), 14),
        (date(2026, 7, 2), date(2026, 7, 1), None),
        (date(2026, 7, 1), date(2026, 7, 1), 0),
    ],
)
def test_age_in_whole_years(born: date, on: date, age: int | None) -> None:
    assert age_in_years(born, on) == age


def test_period_bounds_are_uk_days() -> None:
    assert period_bounds(date(2026, 7, 1), date(2026, 7, 31)) == (
        utc(2026, 6, 30, 23),
        utc(2026, 7, 31, 23),
    )
    with pytest.raises(ValueError):
        period_bounds(date(2026, 7, 2), date(2026, 7, 1))
