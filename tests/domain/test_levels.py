"""Level of Need frameworks: the shipped defaults, council files and line-accurate errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mash_tui.domain.levels import (
    NEXT_STEPS,
    Framework,
    FrameworkError,
    Level,
    builtin_names,
    load_builtin,
    load_framework,
    parse_framework,
)

DOMAINS = ["Child's development", "Parenting capacity", "Family and environment"]

# A small valid framework; line numbers below are counted in this text.
VALID = """\
[framework]
id = "council-lon"
name = "Council Level of Need"
version = "2025.2"
notice = "Our own guidance."

[[levels]]
number = 1
name = "Universal"
summary = "Needs met by everyday services."
service_response = "Universal services lead."
next_steps = ["nfa", "advice"]

[levels.descriptors]
"Child's development" = ["Healthy", "In school"]

[[levels]]
number = 2
name = "Safeguarding"
summary = "Risk of significant harm."
service_response = "Children's social care leads."
next_steps = ["assessment_s17", "strategy_s47"]

[levels.descriptors]
"Family and environment" = [
    "High-risk domestic abuse",
    "Unsafe adult in the home",
]
"""


def _replace(old: str, new: str, text: str = VALID) -> str:
    """Change exactly one line of the valid text, so line numbers stay predictable."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _error(text: str, source: str = "council.toml") -> FrameworkError:
    """Parse text that must be refused, returning the refusal."""
    with pytest.raises(FrameworkError) as caught:
        parse_framework(text, source)
    return caught.value


# --- the shipped frameworks -----------------------------------------------------------------


def test_builtin_names_lists_both_default_first() -> None:
    assert builtin_names() == ["default", "generic-four-level"]


@pytest.mark.parametrize("name", ["default", "generic-four-level"])
def test_builtin_has_four_consecutive_levels(name: str) -> None:
    framework = load_builtin(name)
    assert [level.number for level in framework.levels] == [1, 2, 3, 4]
    assert framework.version
    assert framework.source == f"builtin:{name}.toml"


@pytest.mark.parametrize("name", ["default", "generic-four-level"])
def test_builtin_next_steps_are_known_and_fit_the_level(name: str) -> None:
    framework = load_builtin(name)
    for level in framework.levels:
        assert level.next_steps
        assert set(level.next_steps) <= set(NEXT_STEPS)
        assert level.fits("transfer") and level.fits("already_open")
    assert framework.level(1).fits("nfa")
    assert not framework.level(4).fits("nfa")
    assert framework.level(4).fits("strategy_s47")
    assert framework.level(3).fits("early_help")
    assert not framework.level(1).fits("strategy_s47")


@pytest.mark.parametrize("name", ["default", "generic-four-level"])
def test_builtin_descriptors_cover_the_three_domains(name: str) -> None:
    for level in load_builtin(name).levels:
        assert list(level.descriptors) == DOMAINS
        for indicators in level.descriptors.values():
            assert 3 <= len(indicators) <= 5
            assert all(item.strip() == item and item for item in indicators)


def test_default_ids_and_level_names() -> None:
    framework = load_builtin()
    assert framework.id == "mash-tui-default"
    assert load_builtin("generic-four-level").id == "generic-four-level"
    assert [level.name for level in framework.levels] == [
        "Universal",
        "Universal plus / emerging needs",
        "Targeted / complex",
        "Specialist / safeguarding",
    ]
    assert "FAST" in framework.level(3).service_response
    assert "CHAT" in framework.level(4).service_response


@pytest.mark.parametrize("name", ["default", "generic-four-level"])
def test_builtin_notice_says_it_is_a_default_to_replace(name: str) -> None:
    notice = load_builtin(name).notice.lower()
    assert "default written by the mash-tui team" in notice
    assert "replace" in notice and "level of need guidance" in notice


def test_builtin_accepts_file_name_and_refuses_unknown() -> None:
    assert load_builtin("default.toml") is load_builtin("default")
    with pytest.raises(FrameworkError) as caught:
        load_builtin("council-x")
    assert str(caught.value) == (
        "unknown built-in framework 'council-x' (expected one of: default, generic-four-level)"
    )


def test_next_step_labels() -> None:
    assert NEXT_STEPS == {
        "nfa": "No further action",
        "advice": "Information, advice or signposting",
        "early_help": "Early help",
        "assessment_s17": "Child and family assessment (s17)",
        "strategy_s47": "Strategy discussion (s47)",
        "transfer": "Transfer to another authority",
        "already_open": "Already open - pass to allocated team",
    }


# --- the model ------------------------------------------------------------------------------


def test_search_is_case_insensitive_across_all_text() -> None:
    framework = load_builtin()
    assert framework.search("") == list(framework.levels)
    assert framework.search("   ") == list(framework.levels)
    assert [lvl.number for lvl in framework.search("chat")] == [4]
    assert [lvl.number for lvl in framework.search("UNIVERSAL")][:2] == [1, 2]
    assert {3, 4} <= {lvl.number for lvl in framework.search("Domestic abuse")}
    assert framework.search("no such words anywhere") == []


def test_search_reads_descriptors_and_joins_wrapped_lines() -> None:
    framework = parse_framework(VALID, "council.toml")
    assert [lvl.number for lvl in framework.search("unsafe ADULT")] == [2]
    assert [lvl.number for lvl in framework.search("in school")] == [1]
    assert [lvl.number for lvl in framework.search("social care")] == [2]
    assert [lvl.number for lvl in load_builtin().search("everyday services cannot")] == [1]


def test_fits_only_listed_codes() -> None:
    level = parse_framework(VALID, "council.toml").level(1)
    assert level.fits("nfa") and level.fits("advice")
    assert not level.fits("strategy_s47")
    assert not level.fits("not-a-code")


def test_level_lookup_and_missing_level() -> None:
    framework = parse_framework(VALID, "council.toml")
    assert framework.level(2).name == "Safeguarding"
    with pytest.raises(FrameworkError) as caught:
        framework.level(5)
    assert str(caught.value) == (
        "framework 'council-lon' version 2025.2 has no level 5 (its levels are 1, 2)"
    )


def test_models_are_frozen_and_hashable() -> None:
    framework = parse_framework(VALID, "council.toml")
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.level(1).name = "Changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        framework.version = "9"  # type: ignore[misc]
    assert isinstance(hash(framework), int)
    assert isinstance(framework.levels[0], Level) and isinstance(framework, Framework)


def test_levels_are_sorted_by_number() -> None:
    first, second = VALID.split("[[levels]]\nnumber = 2")
    swapped = _replace("number = 1", "number = 2", first) + "[[levels]]\nnumber = 1" + second
    framework = parse_framework(swapped, "council.toml")
    assert [lvl.number for lvl in framework.levels] == [1, 2]
    assert framework.level(1).name == "Safeguarding"


def test_text_is_stripped_and_notice_optional() -> None:
    text = _replace('notice = "Our own guidance."', "")
    text = _replace('name = "Universal"', 'name = "  Universal  "', text)
    framework = parse_framework(text, "council.toml")
    assert framework.notice == ""
    assert framework.level(1).name == "Universal"


def test_descriptors_are_optional() -> None:
    text = _replace('[levels.descriptors]\n"Child\'s development" = ["Healthy", "In school"]\n', "")
    assert parse_framework(text, "council.toml").level(1).descriptors == {}


# --- a council's own file -------------------------------------------------------------------


def test_council_file_loaded_by_path(tmp_path: Path) -> None:
    path = tmp_path / "council.toml"
    path.write_text(VALID, encoding="utf-8")
    framework = load_framework(path)
    assert (framework.id, framework.version, framework.name) == (
        "council-lon",
        "2025.2",
        "Council Level of Need",
    )
    assert framework.source == str(path)
    assert framework.level(2).descriptors == {
        "Family and environment": ["High-risk domestic abuse", "Unsafe adult in the home"]
    }
    assert load_framework(str(path)) == framework


def test_council_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "council.toml"
    path.write_text(_replace("number = 2", "number = 3"), encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    error = caught.value
    assert error.source == str(path)
    assert str(error).startswith("council.toml line 18: levels[2].number: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as caught:
        load_framework(tmp_path / "nope.toml")
    assert str(caught.value) == "nope.toml: file not found"


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(VALID.replace("Healthy", "H\xe9althy").encode("latin-1"))
    with pytest.raises(FrameworkError, match="is not UTF-8"):
        load_framework(path)


# --- refusals with line numbers -------------------------------------------------------------


def test_exact_message_for_unknown_next_step() -> None:
    error = _error(
        _replace('next_steps = ["assessment_s17", "strategy_s47"]', 'next_steps = ["nfa2"]')
    )
    assert str(error) == (
        "council.toml line 22: levels[2].next_steps: unknown next step 'nfa2' (expected one of:"
        " nfa, advice, early_help, assessment_s17, strategy_s47, transfer, already_open)"
    )
    assert (error.line, error.field, error.source) == (22, "levels[2].next_steps", "council.toml")


def test_toml_syntax_error_keeps_line_and_column() -> None:
    error = _error(_replace('summary = "Risk of significant harm."', "summary = Risk of harm"))
    assert error.line == 20
    assert error.column is not None
    assert str(error).startswith("council.toml line 20, column ")
    assert "not valid TOML: " in str(error)


def test_toml_syntax_error_at_end_of_document() -> None:
    error = _error(VALID + 'extra = "unterminated')
    assert error.line == VALID.count("\n") + 1
    assert "not valid TOML" in str(error)


CASES = [
    # (description, old line, new line, expected line, expected field, message fragment)
    ("missing id", 'id = "council-lon"\n', "", 1, "framework.id", "missing required field 'id'"),
    ("empty name", 'name = "Council Level of Need"', 'name = "  "', 3, "framework.name", "empty"),
    (
        "version a number",
        'version = "2025.2"',
        "version = 2025.2",
        4,
        "framework.version",
        'must be text, found a number (2025.2) (put it in quotes: version = "2025.2")',
    ),
    (
        "id with spaces",
        'id = "council-lon"',
        'id = "council lon"',
        2,
        "framework.id",
        "not a short identifier",
    ),
    (
        "notice wrong type",
        'notice = "Our own guidance."',
        "notice = true",
        5,
        "framework.notice",
        "must be text, found true/false (true)",
    ),
    (
        "unknown framework field",
        'notice = "Our own guidance."',
        'notic = "x"',
        5,
        "framework.notic",
        "unknown field 'notic' (expected one of: id, name, version, notice)",
    ),
    (
        "missing summary",
        'summary = "Risk of significant harm."\n',
        "",
        17,
        "levels[2].summary",
        "missing required field 'summary'",
    ),
    (
        "missing service_response",
        'service_response = "Universal services lead."\n',
        "",
        7,
        "levels[1].service_response",
        "missing required field 'service_response'",
    ),
    (
        "missing number",
        "number = 2\n",
        "",
        17,
        "levels[2].number",
        "missing required field 'number'",
    ),
    (
        "number as text",
        "number = 2",
        'number = "2"',
        18,
        "levels[2].number",
        "must be a whole number, found text ('2')",
    ),
    ("number zero", "number = 1", "number = 0", 8, "levels[1].number", "must be 1 or more"),
    (
        "duplicate number",
        "number = 2",
        "number = 1",
        18,
        "levels[2].number",
        "level number 1 is used twice (also at line 8)",
    ),
    (
        "gap in numbers",
        "number = 2",
        "number = 3",
        18,
        "levels[2].number",
        "levels must be numbered 1, 2, 3… with no gaps: found 1, 3 (missing 2)",
    ),
    (
        "not starting at 1",
        "number = 1",
        "number = 3",
        8,
        "levels[1].number",
        "found 2, 3 (missing 1)",
    ),
    (
        "empty next steps",
        'next_steps = ["nfa", "advice"]',
        "next_steps = []",
        12,
        "levels[1].next_steps",
        "must list at least one next step",
    ),
    (
        "next steps not a list",
        'next_steps = ["nfa", "advice"]',
        'next_steps = "nfa"',
        12,
        "levels[1].next_steps",
        "must be a list of codes, found text ('nfa')",
    ),
    (
        "duplicate next step",
        'next_steps = ["nfa", "advice"]',
        'next_steps = ["nfa", "nfa"]',
        12,
        "levels[1].next_steps",
        "next step 'nfa' is listed twice",
    ),
    (
        "missing next steps",
        'next_steps = ["nfa", "advice"]\n',
        "",
        7,
        "levels[1].next_steps",
        "missing required field 'next_steps'",
    ),
    (
        "empty descriptors list",
        '"Child\'s development" = ["Healthy", "In school"]',
        '"Child\'s development" = []',
        15,
        'levels[1].descriptors["Child\'s development"]',
        "is an empty list",
    ),
    (
        "blank indicator",
        '"Unsafe adult in the home",',
        '"  ",',
        25,
        'levels[2].descriptors["Family and environment"]',
        "item 2 is empty",
    ),
    (
        "descriptor not a list",
        '"Child\'s development" = ["Healthy", "In school"]',
        '"Child\'s development" = "Healthy"',
        15,
        'levels[1].descriptors["Child\'s development"]',
        "must be a list of text",
    ),
    (
        "descriptors with no domains",
        '"Child\'s development" = ["Healthy", "In school"]\n',
        "",
        14,
        "levels[1].descriptors",
        "has no domains",
    ),
    (
        "unknown level field",
        'summary = "Risk of significant harm."',
        'summary = "Risk of significant harm."\ncolour = "red"',
        21,
        "levels[2].colour",
        "unknown field 'colour' (expected one of: number, name, summary, service_response,"
        " descriptors, next_steps)",
    ),
    (
        "next steps under descriptors",
        '"Child\'s development" = ["Healthy", "In school"]',
        '"Child\'s development" = ["Healthy"]\nnext_steps = ["nfa"]',
        16,
        "levels[1].descriptors.next_steps",
        "move it above the [levels.descriptors] header",
    ),
    (
        "unknown top-level field",
        "[framework]",
        'colour = "red"\n[framework]',
        1,
        "colour",
        "unknown field 'colour' (expected one of: framework, levels)",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_invalid_file_names_line_and_field(
    old: str, new: str, line: int, field: str, fragment: str
) -> None:
    error = _error(_replace(old, new))
    assert error.line == line, str(error)
    assert error.field == field, str(error)
    assert fragment in error.message, str(error)
    assert str(error).startswith(f"council.toml line {line}: {field}: ")
    assert "\n" not in str(error)


def test_missing_framework_table_has_no_line() -> None:
    text = VALID.split("\n", 5)[5]  # drop [framework] and its four fields
    error = _error(text)
    assert str(error) == "council.toml: framework: missing [framework] table"


def test_missing_levels() -> None:
    text = VALID.split("[[levels]]")[0]
    error = _error(text)
    assert error.line is None
    assert str(error) == (
        "council.toml: levels: no [[levels]] tables; a framework needs at least one level"
    )


def test_empty_levels_array_points_at_its_line() -> None:
    error = _error("levels = []\n" + VALID.split("[[levels]]")[0])
    assert (error.line, error.field) == (1, "levels")
    assert "is empty" in error.message


def test_levels_wrong_type() -> None:
    error = _error('levels = "four"\n' + VALID.split("[[levels]]")[0])
    assert (error.line, error.field) == (1, "levels")
    assert "must be [[levels]] tables, found text ('four')" in error.message


def test_framework_wrong_type() -> None:
    error = _error('framework = "x"\n' + VALID.split("\n", 6)[6])
    assert (error.line, error.field) == (1, "framework")
    assert "must be a table" in error.message


def test_long_id_and_version_refused() -> None:
    error = _error(_replace('version = "2025.2"', f'version = "{"9" * 41}"'))
    assert (error.line, error.field) == (4, "framework.version")
    assert "at most 40" in error.message
    error = _error(_replace('id = "council-lon"', f'id = "{"x" * 81}"'))
    assert (error.line, error.field) == (2, "framework.id")


def test_every_problem_is_kept_first_line_first() -> None:
    text = _replace('next_steps = ["nfa", "advice"]', 'next_steps = ["nope"]')
    text = _replace('id = "council-lon"', 'id = ""', text)
    text = _replace("number = 2", "number = 4", text)
    error = _error(text)
    assert [(p.line, p.field) for p in error.problems] == [
        (2, "framework.id"),
        (12, "levels[1].next_steps"),
        (18, "levels[2].number"),
    ]
    assert (
        str(error) == "council.toml line 2: framework.id: must not be empty (and 2 more problems)"
    )


def test_line_finding_ignores_look_alikes_in_strings_and_arrays() -> None:
    tricky = """\
# [[levels]] in a comment
[framework]
id = "x"
name = "X"
version = "1"
notice = '''
[[levels]]
number = 7
'''

[[levels]]
number = 1
name = "One"
summary = \"\"\"Has a ]] bracket and \\\"\"\" quotes
next_steps = [\"nfa\"]
\"\"\"
service_response = "[Lead]"
next_steps = [
    "advice",   # a comment with ] in it
    "nfa",
]
  [ levels . descriptors ]
  'Parenting capacity' = ["ok"]

[[ levels ]]
"number" = 2
name = "Two"
summary = "S"
service_response = "R"
next_steps = [
    "advice",
    "bogus",
]
"""
    error = _error(tricky)
    assert (error.line, error.field) == (30, "levels[2].next_steps")
    framework = parse_framework(tricky.replace('"bogus"', '"nfa"'), "t.toml")
    assert framework.level(1).next_steps == ("advice", "nfa")
    assert framework.level(1).descriptors == {"Parenting capacity": ["ok"]}
    bad_number = tricky.replace('"bogus"', '"nfa"').replace('"number" = 2', '"number" = 3')
    assert _error(bad_number).line == 26


def test_error_is_a_value_error() -> None:
    assert issubclass(FrameworkError, ValueError)
    error = FrameworkError("plain")
    assert str(error) == "plain"
    assert error.problems == (error,)
