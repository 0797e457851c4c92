"""Ofsted Annex A, List 1 (contacts): one row per child per contact received in a period.

Coded values are written as Annex A writes them (``a) Male``, ``e) 2A: Schools``,
``a) WBRI``); dates as dd/mm/yyyy; the age is in whole years on the date of the
contact. A child who was unborn when the contact came in has no date of birth and
no age in the list (see docs/reports.md for why).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mash_tui.domain.clock import LONDON, UTC, check_report_year, local_date

if TYPE_CHECKING:
    from mash_tui.services import Services

__all__ = ["HEADERS", "AnnexARow", "age_in_years", "annex_a_rows", "period_bounds", "write_annex_a"]

HEADERS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Date of Contact",
    "Contact Source",
)
SHEET_TITLE = "List 1 - Contacts"


@dataclass(frozen=True)
class AnnexARow:
    """One child on one contact, already in Annex A's words."""

    contact_id: int
    child_unique_id: str
    gender: str
    ethnicity: str
    date_of_birth: date | None
    age: int | None
    date_of_contact: date
    source: str

    def cells(self) -> tuple[Any, ...]:
        """The seven values in header order, dates left as dates."""
        return (
            self.child_unique_id,
            self.gender,
            self.ethnicity,
            self.date_of_birth,
            self.age,
            self.date_of_contact,
            self.source,
        )

    def text_cells(self) -> tuple[str, ...]:
        """The seven values as text, dates written dd/mm/yyyy, blanks empty."""
        return tuple(
            ""
            if value is None
            else value.strftime("%d/%m/%Y")
            if isinstance(value, date)
            else str(value)
            for value in self.cells()
        )


def age_in_years(born: date, on: date) -> int | None:
    """Whole years of age on a date; None when the child was not yet born then."""
    if born > on:
        return None
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def period_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants from 00:00 on the first day to 24:00 on the last, UK time."""
    if first > last:
        raise ValueError(
            f"the period starts after it ends: {first:%d/%m/%Y} is after {last:%d/%m/%Y}"
        )
    for day in (first, last):
        check_report_year(day.year, f"{day:%d/%m/%Y}")
    start = datetime.combine(first, time(0, 0), tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=LONDON).astimezone(UTC)
    return start, end


def _annex(kind: str, code: str) -> str:
    from mash_tui.domain import codes

    found = codes.lookup(kind, code)
    return found.annex_a if found and found.annex_a else code


def annex_a_rows(services: Services, first: date, last: date) -> list[AnnexARow]:
    """Every child on every contact received between the two dates (inclusive, UK time)."""
    from sqlalchemy import select

    from mash_tui.store.tables import Child, Contact

    start, end = period_bounds(first, last)
    contacts = Contact.__table__  # type: ignore[attr-defined]
    children = Child.__table__  # type: ignore[attr-defined]
    c, ch = contacts.c, children.c
    stmt = (
        select(
            c.id,
            c.received_at,
            c.source_code,
            ch.unique_id,
            ch.gender,
            ch.ethnicity,
            ch.date_of_birth,
            ch.unborn,
        )
        .join_from(contacts, children, ch.id == c.child_id)
        .where(c.received_at >= start, c.received_at < end)
        .order_by(c.received_at, c.id)
    )
    rows: list[AnnexARow] = []
    with services.engine.connect() as conn:
        for cid, received, source, unique_id, gender, ethnicity, born, unborn in conn.execute(stmt):
            on = local_date(received)
            dob = None if unborn else born
            rows.append(
                AnnexARow(
                    contact_id=cid,
                    child_unique_id=unique_id,
                    gender=_annex("genders", gender),
                    ethnicity=_annex("ethnicities", ethnicity),
                    date_of_birth=dob,
                    age=age_in_years(dob, on) if dob is not None else None,
                    date_of_contact=on,
                    source=_annex("sources", source),
                )
            )
    return rows


def annex_a_format(path: str | os.PathLike[str]) -> str:
    """xlsx or csv, from the file's extension; anything else is refused in one line."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".csv"):
        return suffix[1:]
    shown = suffix or "no extension"
    raise ValueError(f"the Annex A list is written as .xlsx or .csv: {Path(path).name} has {shown}")


def annex_a_bytes(rows: list[AnnexARow], path: str | os.PathLike[str]) -> bytes:
    """List 1 as the bytes of an XLSX or CSV file, by the file's extension."""
    from mash_tui.exports import Sheet, csv_bytes, xlsx_bytes

    if annex_a_format(path) == "csv":
        return csv_bytes(HEADERS, [row.text_cells() for row in rows])
    return xlsx_bytes([Sheet(SHEET_TITLE, HEADERS, [row.cells() for row in rows])])


def write_annex_a(rows: list[AnnexARow], path: str | os.PathLike[str]) -> Path:
    """Write List 1 atomically and owner-only, as XLSX or CSV by the file's extension."""
    from mash_tui.exports import write_bytes

    return write_bytes(path, annex_a_bytes(rows, path))
