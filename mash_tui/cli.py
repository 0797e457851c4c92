"""The `mash-tui` command: opens the app, or runs one job and exits.

Exit codes: 0 success, 1 a user error said in one line on stderr (never a
traceback), 2 a usage error from argparse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from mash_tui import __version__
from mash_tui.children_cli import register as register_children
from mash_tui.cli_common import CliError, first_line, parse_date, printable
from mash_tui.domain.states import Role
from mash_tui.report_cli import register as register_reports
from mash_tui.runtime import Runtime, StartupError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from mash_tui.domain.clock import Clock


# ---------------------------------------------------------------- commands
def cmd_run(rt: Runtime, args: argparse.Namespace) -> int:
    from mash_tui.app import MashApp

    app = MashApp(rt, username=rt.declared_login(), demo=getattr(args, "demo", False))
    app.run()
    return app.return_code or 0


def cmd_db_upgrade(rt: Runtime, args: argparse.Namespace) -> int:
    from mash_tui.store.engine import current_revision, upgrade

    engine = rt.engine(migrate=False)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)}: {engine.url.render_as_string()}")
    if engine.dialect.name == "postgresql":
        from mash_tui.store.pg_roles import groups_exist

        if groups_exist(engine):  # tables a new version added get the same grants
            _run_roles_sql(engine, quiet=True)
    return 0


def cmd_db_roles(rt: Runtime, args: argparse.Namespace) -> int:
    engine = rt.engine()
    if engine.dialect.name != "postgresql":
        raise CliError("group roles are for a shared PostgreSQL database; this is a SQLite file")
    _run_roles_sql(engine, quiet=False)
    return 0


def _run_roles_sql(engine: Engine, *, quiet: bool) -> None:
    from mash_tui.store.pg_roles import NotAllowed, apply, group_roles_sql

    statements = group_roles_sql(str(engine.url.database))
    if not quiet:
        for statement in statements:
            print(f"{statement};")
    try:
        apply(engine, statements)
    except NotAllowed as exc:
        raise CliError(str(exc)) from None
    if quiet:
        print("group role grants brought up to date (mash-tui db roles)")


def cmd_demo(rt: Runtime, args: argparse.Namespace) -> int:
    from mash_tui.demo import generate

    summary = generate(
        rt.services(),
        contacts=args.contacts,
        seed=args.seed,
        until=args.until,
        login=rt.acting_login(),
    )
    print(summary)
    return 0


def cmd_import_contacts(rt: Runtime, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    from mash_tui.domain.errors import ImportFailed
    from mash_tui.importer import import_csv

    try:
        count = import_csv(rt.services(), rt.acting_login(), path)
    except ImportFailed as exc:
        # Every problem, one per line, so a whole file can be fixed in one pass.
        total = len(exc.problems)
        print(
            f"mash-tui: nothing imported from {printable(str(path))}: "
            f"{total} problem{'s' if total != 1 else ''}",
            file=sys.stderr,
        )
        for row, column, reason in exc.problems:
            print(f"row {row}, column {printable(column)}: {printable(reason)}", file=sys.stderr)
        return 1
    print(f"imported {count} contact{'s' if count != 1 else ''} from {printable(str(path))}")
    return 0


def cmd_users_add(rt: Runtime, args: argparse.Namespace) -> int:
    services = rt.services()
    first = not services.has_users()
    actor = None if first else rt.acting_login()
    role = args.role or (Role.MANAGER if first else Role.SCREENER)
    login = args.db_login or ""
    if rt.on_server:
        # The person's own login role, in their role's group, before their record exists.
        from mash_tui.store.pg_roles import NotAllowed, apply, groups_exist, person_sql

        if actor is not None:
            services.require(actor, Role.MANAGER)
        # Before `mash-tui db roles` there are no groups to join: the record alone is made.
        if groups_exist(rt.engine()):
            try:
                apply(rt.engine(), person_sql(login or args.username, str(role)))
            except NotAllowed as exc:
                raise CliError(str(exc)) from None
    elif login:
        raise CliError("--db-login is for a shared PostgreSQL database; this is a SQLite file")
    user = services.add_user(actor, args.username, args.name or args.username, role, db_login=login)
    print(f"added {printable(user.username)} ({user.role})")
    return 0


def cmd_users_list(rt: Runtime, args: argparse.Namespace) -> int:
    services = rt.services()
    services.require(rt.acting_login())
    for user in services.list_users():
        state = "active" if user.active else "disabled"
        print(f"{printable(user.username)}\t{user.role}\t{state}\t{printable(user.display_name)}")
    return 0


def cmd_users_disable(rt: Runtime, args: argparse.Namespace) -> int:
    user = rt.services().set_user_active(rt.acting_login(), args.username, False)
    print(f"disabled {user.username}")
    return 0


def cmd_users_enable(rt: Runtime, args: argparse.Namespace) -> int:
    user = rt.services().set_user_active(rt.acting_login(), args.username, True)
    print(f"enabled {user.username}")
    return 0


def cmd_audit_verify(rt: Runtime, args: argparse.Namespace) -> int:
    from mash_tui.store.checkpoint import read_checkpoints

    services = rt.services()
    login = rt.acting_login()
    services.require(login, Role.REPORTING)
    heads = read_checkpoints(Path(args.checkpoint)) if args.checkpoint else []
    result = services.verify_audit(login, heads)
    if not result.ok:
        raise CliError(f"audit trail broken: {result.message}")
    print(result.message)
    return 0


def cmd_audit_checkpoint(rt: Runtime, args: argparse.Namespace) -> int:
    from mash_tui.store.checkpoint import append_checkpoint

    if not args.file and not args.syslog:
        raise CliError("say where the checkpoint goes: --file FILE, --syslog, or both")
    services = rt.services()
    services.require(rt.acting_login(), Role.REPORTING)
    head = services.audit_head()
    if head is None:
        raise CliError("the audit trail is empty: nothing to checkpoint yet")
    if args.file:
        append_checkpoint(Path(args.file), head)
    if args.syslog:
        import syslog

        syslog.openlog("mash-tui", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, f"audit checkpoint {head.line()}")
    where = " and ".join(
        part
        for part in (printable(args.file) if args.file else "", "syslog" if args.syslog else "")
        if part
    )
    print(f"audit checkpoint: entry {head.id}, hash {head.hash[:16]}..., written to {where}")
    return 0


def cmd_contacts_amend(rt: Runtime, args: argparse.Namespace) -> int:
    """A manager's amendment of an authorised contact: fields, new values and the reason."""
    from mash_tui.domain.oversight import parse_amendment

    fields, values = args.field or [], args.value or []
    if not fields:
        raise CliError("say what to change: --field NAME --value TEXT (repeat for more fields)")
    if len(fields) != len(values):
        raise CliError(
            f"give one --value for each --field ({len(fields)} field"
            f"{'s' if len(fields) != 1 else ''}, {len(values)} value"
            f"{'s' if len(values) != 1 else ''})"
        )
    changes = {name: parse_amendment(name, text) for name, text in zip(fields, values, strict=True)}
    services = rt.services()
    login = rt.acting_login()
    services.require(login, Role.MANAGER)
    contact = services.by_reference(args.reference)
    assert contact.id is not None
    amended = services.amend(login, contact.id, contact.version, changes, args.reason or "")
    names = ", ".join(sorted(changes))
    print(f"amended {amended.reference}: {names} (version {amended.version})")
    return 0


# ---------------------------------------------------------------- parser
class Parser(argparse.ArgumentParser):
    """argparse whose usage mistakes end like every other error: one line on stderr, exit 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="mash-tui",
        description="MASH front-door screening: contacts, consent, Level of Need and the 24-hour clock.",
    )
    parser.add_argument("--version", action="version", version=f"mash-tui {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $MASH_TUI_DATABASE_URL or the SQLite file in your data folder)",
    )
    parser.add_argument(
        "--thresholds",
        metavar="PATH",
        help="a council's Level-of-Need framework TOML (default: $MASH_TUI_THRESHOLDS or the built-in)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app with demo data loaded first"
    )
    parser.set_defaults(handler=cmd_run)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="open the app (the default)")
    run.add_argument("--demo", action="store_true", help="load demo data before opening")
    run.set_defaults(handler=cmd_run)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        metavar="ACTION", required=True
    )
    db.add_parser("upgrade", help="create or upgrade the schema (Alembic)").set_defaults(
        handler=cmd_db_upgrade
    )
    db.add_parser(
        "roles",
        help="PostgreSQL: create the group roles and their grants (idempotent; prints its SQL)",
    ).set_defaults(handler=cmd_db_roles)

    demo = sub.add_parser("demo", help="add a realistic, reproducible set of demo contacts")
    demo.add_argument("--contacts", type=int, default=300, help="how many contacts (default 300)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument(
        "--until", type=parse_date, default=None, help="last day of demo data (default: today)"
    )
    demo.set_defaults(handler=cmd_demo)

    imp = sub.add_parser("import", help="import data").add_subparsers(metavar="WHAT", required=True)
    contacts = imp.add_parser(
        "contacts", help="import contacts from a CSV file (see docs/import.md)"
    )
    contacts.add_argument("file", help="the CSV file")
    contacts.set_defaults(handler=cmd_import_contacts)

    users = sub.add_parser("users", help="user records and roles").add_subparsers(
        metavar="ACTION", required=True
    )
    add = users.add_parser("add", help="add a user (the first user needs no manager)")
    add.add_argument("username", help="their operating-system login")
    add.add_argument("--name", help="display name")
    add.add_argument(
        "--role",
        choices=[role.value for role in Role],
        help="default: manager for the very first user, screener after that",
    )
    add.add_argument(
        "--db-login",
        metavar="ROLE",
        help="PostgreSQL: their database login role, when it is not their username",
    )
    add.set_defaults(handler=cmd_users_add)
    users.add_parser("list", help="list users").set_defaults(handler=cmd_users_list)
    disable = users.add_parser("disable", help="disable a user")
    disable.add_argument("username")
    disable.set_defaults(handler=cmd_users_disable)
    enable = users.add_parser("enable", help="re-enable a user")
    enable.add_argument("username")
    enable.set_defaults(handler=cmd_users_enable)

    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        metavar="ACTION", required=True
    )
    verify = audit.add_parser(
        "verify",
        help="check the hash chain (and, with --checkpoint, that it was not cut or rewritten)",
    )
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="a checkpoint file written by `mash-tui audit checkpoint`",
    )
    verify.set_defaults(handler=cmd_audit_verify)
    checkpoint = audit.add_parser(
        "checkpoint",
        help="write the chain's head outside the database (a file, or the system log)",
        description="Append the audit chain's newest entry (number, hash, time) to a file the "
        "database cannot reach, or send it to the system log, so that `audit verify "
        "--checkpoint FILE` can later tell if entries were removed or rewritten.",
    )
    checkpoint.add_argument(
        "--file", metavar="FILE", help="checkpoint file to append to (created owner-only)"
    )
    checkpoint.add_argument(
        "--syslog", action="store_true", help="also send the head to the system log"
    )
    checkpoint.set_defaults(handler=cmd_audit_checkpoint)

    contacts_cmd = sub.add_parser("contacts", help="contacts by reference").add_subparsers(
        metavar="ACTION", required=True
    )
    amend = contacts_cmd.add_parser(
        "amend",
        help="amend an authorised contact (managers; a reason is required)",
        description="Change fields of an authorised contact. Each --field is paired with the "
        "--value after it; the change, its before and after values and the reason go into the "
        "contact's history. Times are dd/mm/yyyy hh:mm (UK time), factors are codes separated "
        "by ';', the safety scale a whole number from 0 to 10.",
    )
    amend.add_argument("reference", help="the contact's reference, e.g. MASH-0000123")
    amend.add_argument(
        "--field",
        action="append",
        metavar="NAME",
        help="a field to change, e.g. concern, sos_scale, next_step (repeatable)",
    )
    amend.add_argument(
        "--value", action="append", metavar="TEXT", help="its new value (one per --field)"
    )
    amend.add_argument("--reason", metavar="TEXT", required=True, help="why it is amended")
    amend.set_defaults(handler=cmd_contacts_amend)

    register_reports(sub)
    register_children(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    rt = Runtime(database=args.database, thresholds=args.thresholds, clock=clock)
    try:
        return int(args.handler(rt, args) or 0)
    except KeyboardInterrupt:
        print("mash-tui: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # every failure a person can cause ends in one line
        from mash_tui.domain.errors import MashError

        known: tuple[type[Exception], ...] = (
            CliError,
            StartupError,
            MashError,
            ValueError,
            OSError,
        )
        try:
            from mash_tui.store.engine import DatabaseError

            known = (*known, DatabaseError)
        except ImportError:
            pass
        if isinstance(exc, known) or type(exc).__module__.startswith("sqlalchemy"):
            print(f"mash-tui: {printable(first_line(exc))}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    raise SystemExit(main())
