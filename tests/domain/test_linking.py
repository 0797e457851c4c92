"""Linking a known child: the record fills blanks, what was typed differently is kept."""

from __future__ import annotations

from mash_tui.domain.linking import merge_known_child


def test_blanks_and_defaults_are_filled_and_differences_kept() -> None:
    known = {"gender": "F", "ethnicity": "WBRI", "school": "Oak Primary", "postcode": "AB1 2CD"}
    typed = {"gender": "U", "ethnicity": "NOBT", "school": "Elm Academy", "postcode": "ab12cd"}
    fill, changed = merge_known_child(known, typed)
    assert fill == {"gender": "F", "ethnicity": "WBRI"}
    assert changed == {"school": "Elm Academy"}  # the postcode is the same one, typed loosely


def test_a_detail_the_record_lacks_is_news() -> None:
    fill, changed = merge_known_child({"address": ""}, {"address": "2 Low Road", "gender": "M"})
    assert (fill, changed) == ({}, {"address": "2 Low Road", "gender": "M"})
