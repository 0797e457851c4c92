"""`mash-tui users ...` as a council's manager runs it: the login decides, refusals are one line."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import pytest
from sqlmodel import col, select
from team_support import create

from mash_tui.cli import main
from mash_tui.domain.clock import FrozenClock
from mash_tui.domain.errors import PermissionDenied
from mash_tui.services import Services
from mash_tui.store.tables import AuditEntry


class Cli:
    """Runs `mash-tui --database URL ...` as a given login and captures what it printed."""

    def __init__(
        self,
        url: str,
        clock: FrozenClock,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        self.url, self.clock, self.capsys, self.monkeypatch = url, clock, capsys, monkeypatch

    def __call__(self, login: str | None, *args: str) -> tuple[int, str, str]:
        if login is None:
            self.monkeypatch.delenv("MASH_TUI_USER", raising=False)
        else:
            self.monkeypatch.setenv("MASH_TUI_USER", login)
        code = main(["--database", self.url, *args], clock=self.clock)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(
    database_url: str,
    clock: FrozenClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    return Cli(database_url, clock, capsys, monkeypatch)


def usernames(services: Services) -> dict[str, tuple[str, bool]]:
    return {u.username: (u.role, u.active) for u in services.list_users()}


def refused(result: tuple[int, str, str], message: str) -> None:
    """Exit 1, nothing on stdout, exactly one line on stderr."""
    code, out, err = result
    assert (code, out, err) == (1, "", f"mash-tui: {message}\n")


# ---------------------------------------------------------------- first run
def test_first_user_on_an_empty_database_needs_no_manager(cli: Cli) -> None:
    assert cli("anyone", "users", "add", "lead", "--role", "manager", "--name", "Lee Lead") == (
        0,
        "added lead (manager)\n",
        "",
    )
    refused(
        cli("anyone", "users", "add", "pal"),
        "'anyone' has no mash-tui user record; ask a manager to run `mash-tui users add anyone`",
    )
    assert cli("lead", "users", "add", "pal") == (0, "added pal (screener)\n", "")
    code, out, _ = cli("lead", "users", "list")
    assert code == 0
    assert out == "lead\tmanager\tactive\tLee Lead\npal\tscreener\tactive\tpal\n"


# ---------------------------------------------------------------- managers and admins
@pytest.mark.parametrize("boss", ["mgr", "admin"])
def test_manager_or_admin_adds_every_role(cli: Cli, services: Services, boss: str) -> None:
    for role in ("screener", "manager", "admin"):
        code, out, err = cli(boss, "users", "add", f"new-{role}", "--role", role)
        assert (code, out, err) == (0, f"added new-{role} ({role})\n", "")
    users = usernames(services)
    assert users["new-screener"] == ("screener", True)
    assert users["new-manager"] == ("manager", True)
    assert users["new-admin"] == ("admin", True)


def test_list_shows_role_state_and_name(cli: Cli, services: Services) -> None:
    services.set_user_active("mgr", "scr2", False)
    code, out, err = cli("mgr", "users", "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "admin\tadmin\tactive\tAda Admin",
        "mgr\tmanager\tactive\tMary Manager",
        "scr\tscreener\tactive\tSam Screener",
        "scr2\tscreener\tdisabled\tPriya Screener",
    ]


def test_disable_then_enable(cli: Cli, services: Services) -> None:
    assert cli("mgr", "users", "disable", "scr") == (0, "disabled scr\n", "")
    assert usernames(services)["scr"] == ("screener", False)
    assert cli("admin", "users", "enable", "scr") == (0, "enabled scr\n", "")
    assert usernames(services)["scr"] == ("screener", True)


def test_disabled_user_keeps_the_contacts_they_made(cli: Cli, services: Services) -> None:
    c = create(services, "scr")
    assert cli("mgr", "users", "disable", "scr")[0] == 0
    assert services.queue()[0].reference == c.reference
    assert services.queue()[0].assigned_to == "scr"


# ---------------------------------------------------------------- refusals: exact one line, exit 1
@pytest.mark.parametrize(
    "args",
    [
        ("users", "add", "pal", "--role", "manager"),
        ("users", "add", "pal"),
        ("users", "disable", "scr2"),
        ("users", "enable", "scr2"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_screener_is_refused_every_user_change(
    cli: Cli, services: Services, args: tuple[str, ...]
) -> None:
    before = usernames(services)
    refused(cli("scr", *args), "only a manager can do this; you are a screener")
    assert usernames(services) == before


def test_unknown_login_is_refused(cli: Cli, services: Services) -> None:
    refused(
        cli("visitor", "users", "add", "pal"),
        "'visitor' has no mash-tui user record; ask a manager to run `mash-tui users add visitor`",
    )
    refused(
        cli("visitor", "users", "disable", "scr"),
        "'visitor' has no mash-tui user record; ask a manager to run `mash-tui users add visitor`",
    )
    assert "pal" not in usernames(services)


@pytest.mark.skipif(
    bool(os.environ.get("MASH_TUI_TEST_POSTGRES_URL")),
    reason="on PostgreSQL the server's session_user is who is acting (tests/store/test_server_roles.py)",
)
def test_the_operating_system_login_is_used_when_no_override(
    cli: Cli, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without MASH_TUI_USER the person is who the operating system says they are."""
    monkeypatch.setattr(getpass, "getuser", lambda: "jbloggs")
    refused(
        cli(None, "users", "add", "pal"),
        "'jbloggs' has no mash-tui user record; ask a manager to run `mash-tui users add jbloggs`",
    )
    monkeypatch.setattr(getpass, "getuser", lambda: "mgr")
    assert cli(None, "users", "add", "pal") == (0, "added pal (screener)\n", "")


def test_disabled_manager_is_refused(cli: Cli, services: Services) -> None:
    assert cli("admin", "users", "disable", "mgr")[0] == 0
    for args in (("users", "add", "pal"), ("users", "disable", "scr"), ("users", "enable", "mgr")):
        refused(cli("mgr", *args), "the mash-tui account 'mgr' is disabled")
    assert usernames(services)["scr"] == ("screener", True)
    assert "pal" not in usernames(services)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("users", "add", "scr"), "'scr' already has a user record"),
        (("users", "add", "bad name!"), "a login may use letters, digits and . _ - @ only"),
        (("users", "disable", "ghost"), "no user 'ghost'"),
        (("users", "enable", "ghost"), "no user 'ghost'"),
        (("users", "disable", "mgr"), "you cannot disable your own account"),
    ],
    ids=["duplicate", "bad-login", "disable-missing", "enable-missing", "disable-self"],
)
def test_bad_requests_are_one_line(
    cli: Cli, services: Services, args: tuple[str, ...], message: str
) -> None:
    before = usernames(services)
    refused(cli("mgr", *args), message)
    assert usernames(services) == before


def test_unknown_role_is_a_usage_error(cli: Cli, services: Services) -> None:
    with pytest.raises(SystemExit) as done:
        cli("mgr", "users", "add", "pal", "--role", "superuser")
    assert done.value.code == 1
    [line] = cli.capsys.readouterr().err.splitlines()
    assert "invalid choice: 'superuser'" in line
    assert line.endswith("(see mash-tui users add --help)")
    assert "pal" not in usernames(services)


def test_user_changes_are_audited_with_who_and_what(cli: Cli, services: Services) -> None:
    cli("mgr", "users", "add", "pal", "--role", "manager")
    cli("admin", "users", "disable", "pal")
    with services.read() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "user").order_by(col(AuditEntry.id))
        ).all()
    created, disabled = entries[-2], entries[-1]
    assert (created.username, created.action, created.before) == ("mgr", "create", None)
    assert created.after is not None
    assert (created.after["username"], created.after["role"]) == ("pal", "manager")
    assert (disabled.username, disabled.action) == ("admin", "disable")
    assert (disabled.before, disabled.after) == ({"active": True}, {"active": False})
    assert cli("mgr", "audit", "verify")[0] == 0


# ---------------------------------------------------------------- other commands that act for someone
DATA = Path(__file__).resolve().parent.parent / "data"


def acting_commands(out: Path) -> dict[str, tuple[str, ...]]:
    """Every other command that acts for the person at the keyboard."""
    return {
        "import": ("import", "contacts", str(DATA / "contacts_good.csv")),
        "report": ("report", "weekly", "--week", "2026-W47", "--output", str(out / "w.csv")),
        "export": (
            "export",
            "annex-a",
            "--from",
            "01/11/2026",
            "--to",
            "17/11/2026",
            "--output",
            str(out / "a.csv"),
        ),
    }


@pytest.mark.parametrize("who", ["disabled", "unknown"])
def test_other_commands_refuse_disabled_and_unknown_logins(
    cli: Cli, services: Services, tmp_path: Path, who: str
) -> None:
    create(services, "scr")  # something to report, so only the login can be the problem
    services.set_user_active("mgr", "scr2", False)
    login = "scr2" if who == "disabled" else "visitor"
    before = len(services.queue())
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    for name, args in acting_commands(out_dir).items():
        code, out, err = cli(login, *args)
        assert (code, out) == (1, ""), name
        assert err.startswith("mash-tui: ") and err.count("\n") == 1, (name, err)
        assert f"'{login}'" in err, (name, err)
    assert len(services.queue()) == before
    assert list(out_dir.iterdir()) == []


def test_other_commands_work_for_active_users(cli: Cli, services: Services, tmp_path: Path) -> None:
    """The positive control for the refusals above (importing history is for managers)."""
    create(services, "scr")
    services.add_user("mgr", "qa", "Quinn Analyst", "reporting")
    for name, args in acting_commands(tmp_path).items():
        code, _, err = cli("mgr" if name == "import" else "qa", *args)
        assert (code, err) == (0, ""), name
    assert (tmp_path / "w.csv").exists() and (tmp_path / "a.csv").exists()


@pytest.mark.parametrize("name", ["report", "export"])
def test_a_screener_cannot_report_or_export(
    cli: Cli, services: Services, tmp_path: Path, name: str
) -> None:
    """Exports carry children's details out: managers and reporting officers only."""
    create(services, "scr")
    refused(
        cli("scr", *acting_commands(tmp_path)[name]),
        "only a manager or a reporting (performance and quality-assurance) officer can do "
        "this; you are a screener",
    )
    assert not (tmp_path / "w.csv").exists() and not (tmp_path / "a.csv").exists()


def test_users_add_makes_a_reporting_officer_who_cannot_screen(
    cli: Cli, services: Services
) -> None:
    code, out, err = cli(
        "mgr", "users", "add", "qa", "--name", "Quinn Analyst", "--role", "reporting"
    )
    assert (code, out, err) == (0, "added qa (reporting)\n", "")
    with pytest.raises(PermissionDenied) as caught:
        create(services, "qa")
    assert "you have the reporting role" in caught.value.message


def test_screener_cannot_import_contacts(cli: Cli, services: Services, tmp_path: Path) -> None:
    refused(
        cli("scr", *acting_commands(tmp_path)["import"]),
        "only a manager can import contacts; you are a screener",
    )
    assert services.queue() == []
