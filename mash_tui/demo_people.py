"""Provides the invented people and places of the demo: names, streets, schools, referrers.

All are invented: phone numbers use the Ofcom drama range (01632 960xxx), e-mails the
reserved example.org domain, NHS numbers the 999 test range and postcodes the unused
area "MT".
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from mash_tui.domain.inputs import ChildInput
from mash_tui.domain.rules import ANONYMOUS_SOURCES, nhs_check_digit_ok

Choice = TypeVar("Choice", bound=str)


def _words(text: str) -> tuple[str, ...]:
    """Read a list of single-word names written as running text."""
    return tuple(text.split())


def _weights(text: str) -> tuple[tuple[str, float], ...]:
    """Read 'code=weight' pairs written compactly, one table per constant."""
    return tuple((code, float(weight)) for code, weight in (p.split("=") for p in text.split()))


# Contact sources weighted as a busy MASH sees them: police and schools lead.
SOURCE_WEIGHTS = _weights(
    """
    6=30 2A=18 3B=5 3A=4 3E=4 3F=4 3C=2 3D=2 1A=7 1B=3 1C=1 1D=1 9=4 10=1 2B=2 4=3 5A=3
    5B=1 5C=1 5D=3 7=3 8=3
    """
)

GROUP_OF_SOURCE = {
    "6": "police",
    "7": "agency",
    "2A": "school",
    "2B": "school",
    "1A": "public",
    "1B": "public",
    "1C": "self",
    "1D": "public",
    "9": "public",
    "10": "public",
    "4": "agency",
    "5A": "agency",
    "5B": "agency",
    "5C": "agency",
    "5D": "agency",
    "8": "agency",
}

GIRLS = _words(
    """
    Amelia Isla Ava Freya Zainab Maja Amara Fatima Aaliyah Ruby Sofia Olivia Priya
    Ayesha Lucía Niamh Grace Poppy Mei Chloé Zofia Esmé Nia Hana Chiamaka Daisy Leah
    Ioana Aoife Imani
    """
)
BOYS = _words(
    """
    Oliver Muhammad Noah Leo Jakub Kacper Chidi Yusuf Ethan Mason Liam Jayden Malik
    Arjun Ibrahim Tiago Cian Alfie Daniel Kai Oisín Mateusz Kofi Harvey Reuben Zayn
    Andrei Callum Dev Luca
    """
)
WOMEN = _words(
    """
    Sarah Gemma Nadia Kelly Agnieszka Funmi Shazia Laura Chantelle Roxana Bernadette
    Tasha Hui Precious Emma Danielle Rukhsana
    """
)
MEN = _words(
    """
    Darren Lee Imran Marek Kieran Tunde Jason Mihai Craig Dean Stefan Aaron Nathan
    Rashid Paul Jermaine Gareth
    """
)
SURNAMES = _words(
    """
    Smith Jones Taylor Brown Williams Wilson Davies Evans Thomas Patel Khan Ahmed
    Hussain Begum Ali Nowak Kowalski Okafor Mensah Osei Nguyen Chen Murphy O'Brien Walsh
    Hughes Campbell Popescu Silva Ferreira Kaur Singh Adeyemi Mohamed Robinson Wright
    Green Hall Wood Clarke Jackson Ward Lewis Lungu
    """
)
STREETS = (
    "Alder Close",
    "Beacon Road",
    "Brookside",
    "Canal Street",
    "Chestnut Avenue",
    "Elm Grove",
    "Farriers Way",
    "Foundry Lane",
    "Hawthorn Drive",
    "Larch Walk",
    "Mill Race",
    "Orchard Rise",
    "Quarry Hill",
    "Ropewalk",
    "Station Terrace",
    "Tannery Court",
    "Weavers Row",
    "Willow Bank",
)
TOWNS = ("Northbrook", "Easterley", "Millford", "Kelsey Vale", "Ashcombe")
SCHOOLS = (
    "Hollybank Primary School",
    "St Brendan's Catholic Primary",
    "Northbrook Academy",
    "Easterley High School",
    "Millford Community Primary",
    "Kelsey Vale Infant School",
    "Ashcombe Secondary School",
    "Riverside Free School",
    "Oakfield Junior School",
    "Northbrook Pupil Referral Unit",
)
ETHNICITY_WEIGHTS = _weights(
    """
    WBRI=58 WIRI=1 WIRT=1 WOTH=7 WROM=1 MWBC=3 MWBA=1 MWAS=2 MOTH=2 AIND=2 APKN=5 ABAN=2
    AOTH=1 BCRB=2 BAFR=4 BOTH=1 CHNE=1 OOTH=2 REFU=1 NOBT=3
    """
)


def pick(rng: random.Random, weighted: Sequence[tuple[Choice, float]]) -> Choice:
    """A weighted choice that depends only on the generator state."""
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def plain_letters(text: str) -> str:
    """Letters only, accents dropped, for invented e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def phone_number(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


def invented_nhs_number(rng: random.Random) -> str:
    """A number in the NHS test range (999...) with a valid modulus 11 check digit."""
    while True:
        stem = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        for check in "0123456789":
            if nhs_check_digit_ok(stem + check):
                return stem + check


def invent_referrer(rng: random.Random, source: str, school: str) -> tuple[str, str, str, str, str]:
    """(name, agency, role, phone, email) of an invented referrer for a source code."""
    first = rng.choice(WOMEN + MEN)
    last = rng.choice(SURNAMES)
    name = f"{first} {last}"
    roles: dict[str, tuple[str, str, str]] = {
        "6": ("PC " + name, "Police - public protection unit", "Police constable"),
        "7": (name, "Probation Service", "Probation officer"),
        "2A": (name, school, "Designated safeguarding lead"),
        "2B": (name, "Attendance and inclusion service", "Education welfare officer"),
        "3A": ("Dr " + name, f"{rng.choice(TOWNS)} Medical Practice", "GP"),
        "3B": (name, "0-19 health service", "Health visitor"),
        "3C": (name, "0-19 health service", "School nurse"),
        "3D": (name, "Community midwifery", "Midwife"),
        "3E": (name, "Emergency department, Northbrook General", "Staff nurse"),
        "3F": (name, "Child and adolescent mental health service", "Clinician"),
        "1A": (name, "", rng.choice(("Grandmother", "Aunt", "Father", "Uncle", "Step-parent"))),
        "1B": (name, "", "Neighbour"),
        "1C": ("", "", "Child (self-referral)"),
        "1D": (name, "", "Member of the public"),
        "4": (name, "Housing options", "Housing officer"),
        "5A": (name, "Adult social care", "Social worker"),
        "5B": (name, "Youth service", "Youth worker"),
        "5C": (name, "Neighbouring council children's services", "Social worker"),
        "5D": (name, "Family hub", "Early help key worker"),
        "8": (name, "Northbrook Food Bank", "Volunteer co-ordinator"),
        "9": ("", "", ""),
        "10": ("", "", ""),
    }
    shown, agency, role = roles[source]
    if source == "1C":
        return shown, agency, role, "", ""
    if source in ANONYMOUS_SOURCES:
        return "", "", "", "", ""
    domain = (
        "example.org" if not agency else plain_letters(agency.split(",")[0])[:20] + ".example.org"
    )
    email = f"{plain_letters(first)}.{plain_letters(last)}@{domain}" if rng.random() < 0.8 else ""
    return shown, agency, role, phone_number(rng), email


def age_phrase(child: ChildInput, today: date) -> str:
    if child.unborn:
        assert child.expected_date is not None
        return f"unborn, due {child.expected_date:%d/%m/%Y}"
    assert child.date_of_birth is not None
    months = (today.year - child.date_of_birth.year) * 12 + today.month - child.date_of_birth.month
    if today.day < child.date_of_birth.day:
        months -= 1
    if months < 24:
        return f"{max(months, 0)} months"
    return f"{months // 12}"
