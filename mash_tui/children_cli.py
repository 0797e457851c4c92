"""Provides `mash-tui children find`: the intake's known-children lookup for the records
team and for scripts, one ranked child a line with the reason."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from mash_tui.cli_common import CliError, parse_date, printable
from mash_tui.domain import normal, rules
from mash_tui.domain.matching import ChildQuery, split_name

if TYPE_CHECKING:
    from mash_tui.queries.lookups import ChildMatch
    from mash_tui.runtime import Runtime

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the children commands to the main parser's sub-commands."""
    children = sub.add_parser("children", help="children known to the MASH").add_subparsers(
        metavar="ACTION", required=True
    )
    find = children.add_parser(
        "find",
        help="find a known child under the spellings people type, likeliest first",
        description="Known children who may be the one named, likeliest first, one a line "
        "with the reason (same NHS number, same date of birth, similar surname...). Accents, "
        "case, hyphens and transliteration do not matter; part of a surname, a surname that "
        "sounds the same or has a typo, and date of birth with first name are all found.",
    )
    find.add_argument("--name", default="", help='the child\'s name, e.g. "Zoe Lukasiewicz"')
    find.add_argument("--dob", type=parse_date, default=None, help="date of birth (dd/mm/yyyy)")
    find.add_argument("--nhs", default="", metavar="NUMBER", help="NHS number (10 digits)")
    find.add_argument("--postcode", default="", help="the child's postcode")
    find.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    find.set_defaults(handler=cmd_children_find)


def cmd_children_find(rt: Runtime, args: argparse.Namespace) -> int:
    nhs = normal.nhs_number(args.nhs)
    if nhs and not (rules.NHS_RE.match(nhs) and rules.nhs_check_digit_ok(nhs)):
        raise CliError(f"not a valid NHS number: {printable(args.nhs)} (10 digits)")
    first, last = split_name(args.name)
    query = ChildQuery(first, last, args.dob, nhs, args.postcode)
    if not query.is_searchable():
        raise CliError(
            "say who to look for: --nhs, or --name (first name and surname) with "
            "--dob or --postcode as known"
        )
    services = rt.services()
    services.require(rt.acting_login())
    found = services.find_children(first, last, args.dob, nhs, args.postcode)
    if args.format == "json":
        # ensure_ascii escapes every control character as well as the accents.
        print(json.dumps([_as_dict(rank, m) for rank, m in enumerate(found, 1)], indent=2))
    else:
        for rank, match in enumerate(found, 1):
            print(_as_line(rank, match))
    return 0


def _as_dict(rank: int, match: ChildMatch) -> dict[str, Any]:
    child = match.child
    return {
        "rank": rank,
        "child_id": child.unique_id,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        "nhs_number": child.nhs_number,
        "postcode": child.postcode,
        "score": match.score,
        "reason": match.reason,
    }


def _as_line(rank: int, match: ChildMatch) -> str:
    child = match.child
    born = child.date_of_birth.strftime("%d/%m/%Y") if child.date_of_birth else "-"
    cells = (
        str(rank),
        child.unique_id,
        f"{child.first_name} {child.last_name}",
        born,
        child.nhs_number or "-",
        child.postcode or "-",
        match.reason,
    )
    return "\t".join(printable(cell) for cell in cells)
