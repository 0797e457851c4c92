"""The match keys and the ranking: Unicode-correct, partial, phonetic, typo-tolerant."""

from __future__ import annotations

from datetime import date

import pytest

from mash_tui.domain.matching import (
    Candidate,
    ChildQuery,
    child_keys,
    name_key,
    postcode_key,
    rank,
    sound_key,
    split_name,
)

ZOE = ("Zoë", "Łukasiewicz-Ó Súilleabháin")
BORN = date(2017, 4, 3)


def candidate(
    child_id: int,
    first: str,
    last: str,
    born: date | None = None,
    nhs: str = "",
    postcode: str = "",
) -> Candidate:
    return Candidate(
        child_id=child_id, date_of_birth=born, nhs_number=nhs, **child_keys(first, last, postcode)
    )


def best(query: ChildQuery, *candidates: Candidate) -> tuple[int, str] | None:
    found = rank(query, list(candidates))
    return (found[0].child_id, found[0].reason) if found else None


@pytest.mark.parametrize(
    "typed",
    [
        "Łukasiewicz-Ó Súilleabháin",
        "lukasiewicz-o suilleabhain",
        "ŁUKASIEWICZ-Ó SÚILLEABHÁIN",
        "Lukasiewicz O'Suilleabhain",
        "lukasiewicz osuilleabhain",
    ],
)
def test_the_surname_key_ignores_accents_case_and_punctuation(typed: str) -> None:
    assert name_key(typed) == "lukasiewiczosuilleabhain"


def test_letters_that_do_not_decompose_are_transliterated() -> None:
    # Ł, Ø and ß have no NFKD decomposition; Cyrillic is written in Latin letters.
    assert [name_key(n) for n in ("Łukasz", "Søren", "Strauß", "Дмитрий")] == [
        "lukasz",
        "soren",
        "strauss",
        "dmitriy",
    ]


def test_the_stored_keys_of_a_double_surname() -> None:
    keys = child_keys(*ZOE, " mt1  1ab ")
    assert keys["first_key"] == "zoe"
    assert keys["last_key"] == "lukasiewiczosuilleabhain"
    assert keys["last_tail_key"] == "osuilleabhain"
    assert keys["postcode_key"] == "MT11AB"
    assert keys["last_sound"] == sound_key("lukasiewiczosuilleabhain") != ""


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("Zoë", "Łukasiewicz-Ó Súilleabháin", "same date of birth, same first name, same surname"),
        ("ZOE", "lukasiewicz-o suilleabhain", "same date of birth, same first name, same surname"),
        ("zoe", "Ó Súilleabháin", "surname matches one part of a double surname"),
        ("Zoe", "Lukasiewicz", "surname starts with the letters typed"),
        ("Zoe", "Lukasiewitz", "similar surname"),
    ],
)
def test_zoe_is_found_however_her_name_is_typed(first: str, last: str, reason: str) -> None:
    zoe = candidate(7, *ZOE, BORN)
    other = candidate(8, "Zoe", "Lucas", date(2016, 1, 1))
    found = best(ChildQuery(first, last, BORN), zoe, other)
    assert found is not None and found[0] == 7
    assert reason in found[1]


def test_a_partial_surname_finds_the_whole_one() -> None:
    found = best(ChildQuery("Tom", "Hugh"), candidate(1, "Tom", "Hughes"))
    assert found == (1, "same first name, surname starts with the letters typed")


def test_a_surname_that_sounds_the_same_is_found() -> None:
    found = best(ChildQuery("Amelia", "Smyth"), candidate(1, "Amelia", "Smith"))
    assert found == (1, "same first name, surname sounds the same")
    found = best(ChildQuery("Mohamed", "Khan"), candidate(2, "Muhammad", "Khan"))
    assert found == (2, "first name sounds the same, same surname")


def test_a_typo_in_the_surname_is_a_similar_surname() -> None:
    found = best(ChildQuery("Tom", "Hufhes"), candidate(1, "Tom", "Hughes"))
    assert found == (1, "same first name, similar surname")


def test_date_of_birth_and_first_name_find_a_child_whose_surname_changed() -> None:
    found = best(ChildQuery("Zoe", "Kowalska", BORN), candidate(1, *ZOE, BORN))
    assert found == (1, "same date of birth, same first name but a different surname")


def test_the_nhs_number_outranks_names_and_a_different_one_counts_against() -> None:
    same = candidate(1, "Amy", "Okafor", nhs="9434765919")
    namesake = candidate(2, "Amy", "Okafor", nhs="4010232137")
    found = rank(ChildQuery("Amy", "Okafor", nhs_number="943 476 5919"), [namesake, same])
    assert [m.child_id for m in found] == [1]
    assert found[0].reason == "same NHS number, same first name, same surname"


def test_the_postcode_is_matched_without_spaces_or_case() -> None:
    assert postcode_key("mt1 1ab") == postcode_key("MT11AB")
    found = best(
        ChildQuery("Amy", "", postcode="mt11ab"), candidate(1, "Amy", "Okafor", postcode="MT1 1AB")
    )
    assert found == (1, "same first name, same postcode")


def test_a_name_alone_or_a_different_child_is_not_a_match() -> None:
    assert best(ChildQuery("Tom", "Hughes"), candidate(1, "Jane", "Doe")) is None
    assert (
        best(ChildQuery("Tom", "Hughes", BORN), candidate(1, "Amy", "Hughes", date(2015, 1, 1)))
        is None
    )
    assert not ChildQuery("", "Hughes").is_searchable()
    assert ChildQuery("", "", nhs_number="9434765919").is_searchable()


def test_ties_keep_the_earlier_record_first() -> None:
    found = rank(
        ChildQuery("Tom", "Hughes"), [candidate(9, "Tom", "Hughes"), candidate(3, "Tom", "Hughes")]
    )
    assert [m.child_id for m in found] == [3, 9]


def test_a_whole_name_is_split_at_the_first_word() -> None:
    assert split_name("Zoë Łukasiewicz-Ó Súilleabháin") == ("Zoë", "Łukasiewicz-Ó Súilleabháin")
    assert split_name("  Hughes ") == ("", "Hughes")
