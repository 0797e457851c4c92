"""Nothing typed is lost: a real `mash-tui` in a pseudo-terminal, killed with SIGKILL mid-intake."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mash_tui.screens.drafts import DraftsModal
from mash_tui.screens.intake import IntakeScreen
from ui_support import SIZE, settle

from mash_tui.runtime import Runtime
from mash_tui.services import Services
from mash_tui.store.engine import make_engine, upgrade

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

DEADLINE = 20.0  # seconds; the loops below stop as soon as their condition holds


class Terminal:
    """The parent side of a pty: keeps reading so the app never blocks on output."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.output = bytearray()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output.extend(chunk)

    def seen(self, text: str) -> bool:
        with self.lock:
            return text.encode() in self.output

    def wait_for(self, text: str) -> None:
        end = time.monotonic() + DEADLINE
        while not self.seen(text):
            if time.monotonic() > end:
                raise AssertionError(f"the app never showed {text!r}")
            time.sleep(0.05)

    def type(self, keys: str) -> None:
        for char in keys:
            os.write(self.fd, char.encode())
            time.sleep(0.05)  # a fast typist: one key every 50 ms


def wait_until(condition: Any, what: Any) -> Any:
    """Poll until `condition()` returns something truthy, or fail after the deadline."""
    end = time.monotonic() + DEADLINE
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")
        time.sleep(0.1)


async def test_draft_survives_kill_9_and_is_offered_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crash.db"
    engine = make_engine(url)
    upgrade(engine)
    services = Services(engine)
    services.add_user(None, "boss", "Bo Boss", "manager")
    services.add_user("boss", "scr", "Sam Screener", "screener")

    env = {
        **os.environ,
        "MASH_TUI_DATABASE_URL": url,
        "MASH_TUI_USER": "scr",
        "TERM": "xterm-256color",
        "COLUMNS": str(SIZE[0]),
        "LINES": str(SIZE[1]),
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: become mash-tui
        os.execve(sys.executable, [sys.executable, "-m", "mash_tui.cli"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    term = Terminal(fd)
    try:
        term.wait_for("no open contacts")
        term.type("n")
        term.wait_for("When it came in")  # only the intake screen says this
        # received -> priority -> source -> referrer's name; like a person, pause after
        # moving between fields (Textual applies a focus change after keys already queued).
        term.type("\t\t\t")
        time.sleep(1)
        term.type("Jo [b]Crash[/b] Teacher")
        term.type("\t")
        time.sleep(1)
        term.type("Zoë's School")

        def saved() -> Any:
            for draft in services.drafts("scr"):
                p = draft.payload
                if (
                    p.get("referrer_name") == "Jo [b]Crash[/b] Teacher"
                    and p.get("referrer_agency") == "Zoë's School"
                ):
                    return draft
            return None

        wait_until(
            saved,
            lambda: (
                f"the draft to reach the database (drafts: {[d.payload for d in services.drafts('scr')]})"
            ),
        )
    finally:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

    [draft] = services.drafts("scr")
    assert draft.kind == "intake"
    payload = draft.payload
    assert payload["referrer_name"] == "Jo [b]Crash[/b] Teacher"
    assert payload["referrer_agency"] == "Zoë's School"

    from mash_tui.app import MashApp

    app = MashApp(Runtime.around(Services(make_engine(url))), "scr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DraftsModal)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.payload() == payload  # every field, exactly as it was typed
        from textual.widgets import Input

        assert screen.query_one("#referrer_name", Input).value == "Jo [b]Crash[/b] Teacher"
