"""Provides how a known child is recognised under the spellings people type: the stored
match keys and the ranking of a candidate, each with the reason in words.

A key is the name transliterated to ASCII (anyascii: Ł→L, Ø→O, Cyrillic to Latin),
casefolded and stripped of spaces, hyphens and apostrophes, so "Zoë Łukasiewicz-Ó
Súilleabháin" and "zoe lukasiewicz-o suilleabhain" are one key. Keys are computed here,
in Python, and stored on the child's row, so SQLite and PostgreSQL compare the same
bytes. The sound keys are Metaphone codes (jellyfish). Changing how a key is made needs a
migration that recomputes the stored keys (as 0009 first filled them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import jellyfish
from anyascii import anyascii

from mash_tui.domain import normal

__all__ = [
    "KEY_WIDTH",
    "SOUND_WIDTH",
    "Candidate",
    "ChildQuery",
    "Match",
    "child_keys",
    "name_key",
    "postcode_key",
    "prefix_bounds",
    "rank",
    "score",
    "sound_key",
    "split_name",
    "surname_parts",
]

KEY_WIDTH = 200
SOUND_WIDTH = 40
# The fewest characters of a surname that are looked up as a prefix ("Hu" finds too many).
PREFIX_MIN = 3
# Jaro-Winkler similarity at or above which two names differ by a typo.
SIMILAR = 0.88
# A match weaker than this is not shown at all.
THRESHOLD = 40


def name_key(text: str) -> str:
    """A name as compared: ASCII letters and digits only, casefolded."""
    folded = anyascii(normal.ascii_digits(text)).casefold()
    return "".join(c for c in folded if c.isascii() and c.isalnum())[:KEY_WIDTH]


def sound_key(key: str) -> str:
    """How a name key sounds (Metaphone), "" for no name."""
    letters = "".join(c for c in key if c.isalpha())
    return jellyfish.metaphone(letters)[:SOUND_WIDTH] if letters else ""


def surname_parts(text: str) -> list[str]:
    """The keys of a double-barrelled surname's parts ("Łukasiewicz-Ó Súilleabháin")."""
    parts = [name_key(part) for part in text.replace("–", "-").split("-")]
    return [p for p in parts if p]


def postcode_key(text: str) -> str:
    """A postcode as compared: upper-case letters and digits, no spaces."""
    folded = anyascii(normal.ascii_digits(text)).upper()
    return "".join(c for c in folded if c.isascii() and c.isalnum())[:12]


def child_keys(first_name: str, last_name: str, postcode: str) -> dict[str, str]:
    """The match columns stored on a child's row, from what was recorded about them."""
    first, last = name_key(first_name), name_key(last_name)
    parts = surname_parts(last_name)
    return {
        "first_key": first,
        "last_key": last,
        # The last part of a double surname, so "Ó Súilleabháin" alone finds her too.
        "last_tail_key": parts[-1] if len(parts) > 1 else "",
        "first_sound": sound_key(first),
        "last_sound": sound_key(last),
        "postcode_key": postcode_key(postcode),
    }


def prefix_bounds(key: str) -> tuple[str, str]:
    """The range of stored keys that start with `key` (keys hold only a-z and 0-9)."""
    return key, key + "~"


def split_name(text: str) -> tuple[str, str]:
    """A whole name as typed into first name and surname; one word is taken as the surname."""
    words = text.split()
    if len(words) < 2:
        return "", text.strip()
    return words[0], " ".join(words[1:])


@dataclass(frozen=True)
class ChildQuery:
    """What someone typed to find a child, with its keys worked out once."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    postcode: str = ""
    first: str = field(init=False)
    last: str = field(init=False)
    parts: tuple[str, ...] = field(init=False)
    first_sound: str = field(init=False)
    last_sound: str = field(init=False)
    nhs: str = field(init=False)
    post: str = field(init=False)

    def __post_init__(self) -> None:
        keys = child_keys(self.first_name, self.last_name, self.postcode)
        object.__setattr__(self, "first", keys["first_key"])
        object.__setattr__(self, "last", keys["last_key"])
        object.__setattr__(self, "parts", tuple(surname_parts(self.last_name)))
        object.__setattr__(self, "first_sound", keys["first_sound"])
        object.__setattr__(self, "last_sound", keys["last_sound"])
        object.__setattr__(self, "nhs", normal.nhs_number(self.nhs_number))
        object.__setattr__(self, "post", keys["postcode_key"])

    def is_searchable(self) -> bool:
        """Whether enough was typed to look: an NHS number, or two of a first name, a
        surname, a date of birth and a postcode (but not date of birth and postcode alone)."""
        if self.nhs:
            return True
        known = [bool(self.first), bool(self.last), self.date_of_birth is not None, bool(self.post)]
        return sum(known) >= 2 and (self.first or self.last) != ""


@dataclass(frozen=True)
class Candidate:
    """A known child's stored keys, as the ranking reads them."""

    child_id: int
    first_key: str
    last_key: str
    last_tail_key: str
    first_sound: str
    last_sound: str
    date_of_birth: date | None
    nhs_number: str
    postcode_key: str


@dataclass(frozen=True)
class Match:
    """A candidate's score (higher is likelier) and why, in words."""

    child_id: int
    score: int
    reason: str


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR


def _surname(q: ChildQuery, c: Candidate) -> tuple[int, str]:
    """How the surname typed fits the child's, best first."""
    if not q.last or not c.last_key:
        return 0, ""
    if q.last == c.last_key:
        return 40, "same surname"
    stored = {c.last_key, c.last_tail_key} - {""}
    if q.last in stored or any(part in stored for part in q.parts) or c.last_key in q.parts:
        return 34, "surname matches one part of a double surname"
    if len(q.last) >= PREFIX_MIN and c.last_key.startswith(q.last):
        return 30, "surname starts with the letters typed"
    if q.last_sound and q.last_sound == c.last_sound:
        return 28, "surname sounds the same"
    # A typo in the whole surname, in one part of it, or in its first part typed alone.
    if (
        _similar(q.last, c.last_key)
        or any(_similar(p, s) for p in q.parts for s in stored)
        or _similar(q.last, c.last_key[: len(q.last)])
    ):
        return 24, "similar surname"
    return 0, ""


def _first(q: ChildQuery, c: Candidate) -> tuple[int, str]:
    """How the first name typed fits the child's."""
    if not q.first or not c.first_key:
        return 0, ""
    if q.first == c.first_key:
        return 25, "same first name"
    if q.first_sound and q.first_sound == c.first_sound:
        return 18, "first name sounds the same"
    if _similar(q.first, c.first_key):
        return 16, "similar first name"
    if len(q.first) >= PREFIX_MIN and c.first_key.startswith(q.first):
        return 14, "first name starts with the letters typed"
    return 0, ""


def score(q: ChildQuery, c: Candidate) -> Match | None:
    """The candidate's fit to what was typed, or None when it is not worth showing."""
    points, reasons = 0, []
    same_dob = q.date_of_birth is not None and q.date_of_birth == c.date_of_birth
    if q.nhs and c.nhs_number:
        if q.nhs == c.nhs_number:
            points += 100
            reasons.append("same NHS number")
        else:
            points -= 60
            reasons.append("a different NHS number")
    if q.date_of_birth is not None and c.date_of_birth is not None:
        if q.date_of_birth == c.date_of_birth:
            points += 30
            reasons.append("same date of birth")
        else:
            points -= 20
            reasons.append("a different date of birth")
    first_points, first_reason = _first(q, c)
    last_points, last_reason = _surname(q, c)
    points += first_points + last_points
    reasons += [r for r in (first_reason, last_reason) if r]
    if q.last and not last_points and c.last_key and same_dob:
        reasons.append("a different surname")  # the child may have changed name
    if q.post and q.post == c.postcode_key:
        points += 15
        reasons.append("same postcode")
    same_post = bool(q.post) and q.post == c.postcode_key
    strong = (
        "same NHS number" in reasons
        or (last_points and (first_points or same_dob))
        or (first_points and same_dob)
        or (same_post and (first_points or last_points))
    )
    if not strong or points < THRESHOLD:
        return None
    return Match(c.child_id, points, _sentence(reasons))


def _sentence(reasons: list[str]) -> str:
    """The reasons as one phrase: "same date of birth, similar surname"."""
    good = [r for r in reasons if not r.startswith("a different")]
    bad = [r for r in reasons if r.startswith("a different")]
    text = ", ".join(good)
    if bad:
        text += " but " + " and ".join(bad)
    return text


def rank(q: ChildQuery, candidates: list[Candidate], limit: int = 20) -> list[Match]:
    """The candidates worth showing, best first (ties: the earlier record first)."""
    matches = [m for c in candidates if (m := score(q, c)) is not None]
    matches.sort(key=lambda m: (-m.score, m.child_id))
    return matches[:limit]
