"""Provides a real terminal for tests: the installed `mash-tui` in a pseudo-terminal, its
output fed to a terminal emulator, so a test reads the screen a person would see.

Pilot drives the App's message loop directly; this goes through the same path a
person's keyboard does (bytes on a pty, escape-sequence parsing, key timing), which is
where keys can land in the wrong field. Waits are on screen content with a deadline,
never fixed sleeps; the only pauses are the gaps between keys, which are the input.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import pyte
from ptyprocess import PtyProcess

T = TypeVar("T")

DEADLINE = 30.0  # seconds a screen may take to show what a test waits for

# What a terminal sends for the keys tests press.
KEYS: dict[str, str] = {
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x7f",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "ctrl+s": "\x13",
    "ctrl+q": "\x11",
}


def installed_program() -> str:
    """The `mash-tui` console script installed beside the interpreter running the tests."""
    beside = Path(sys.executable).with_name("mash-tui")
    if beside.exists():
        return str(beside)
    found = shutil.which("mash-tui")
    if found is None:
        raise RuntimeError("mash-tui is not installed in this environment (pip install -e .)")
    return found


class Terminal:
    """One running `mash-tui` and the screen it has drawn so far."""

    def __init__(
        self,
        args: list[str],
        env: Mapping[str, str],
        size: tuple[int, int] = (100, 32),
    ) -> None:
        columns, lines = size
        self.size = size
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self._changed = threading.Condition()
        full_env = {
            **env,
            "TERM": "xterm-256color",
            "COLUMNS": str(columns),
            "LINES": str(lines),
        }
        self.process = PtyProcess.spawn(
            [installed_program(), *args], env=full_env, dimensions=(lines, columns)
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.process.read(65536)
            except EOFError:
                break
            with self._changed:
                self._stream.feed(data)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------------ reading
    def text(self) -> str:
        """The whole screen as lines of text."""
        with self._changed:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_until(self, condition: Callable[[str], bool], what: str) -> str:
        """Wait until the screen satisfies `condition`, or fail showing the screen."""
        end = time.monotonic() + DEADLINE
        with self._changed:
            while True:
                shown = "\n".join(line.rstrip() for line in self.screen.display)
                if condition(shown):
                    return shown
                left = end - time.monotonic()
                if left <= 0 or (not self.process.isalive() and not self._reader.is_alive()):
                    raise AssertionError(f"gave up waiting for {what}; the screen:\n{shown}")
                self._changed.wait(timeout=min(left, 0.5))

    def wait_for(self, text: str) -> str:
        """Wait until `text` is on the screen."""
        return self.wait_until(lambda shown: text in shown, repr(text))

    # ------------------------------------------------------------------ typing
    def press(self, *keys: str, gap: float = 0.05) -> None:
        """Press named keys (see KEYS) or type characters, `gap` seconds apart."""
        for key in keys:
            self.process.write(KEYS.get(key, key).encode("utf-8"))
            if gap:
                time.sleep(gap)

    def type(self, text: str, gap: float = 0.05) -> None:
        """Type text one character at a time, `gap` seconds apart (0.01 is a fast typist)."""
        for char in text:
            self.process.write(char.encode("utf-8"))
            if gap:
                time.sleep(gap)

    # ------------------------------------------------------------------ ending
    def close(self) -> None:
        """End the program, politely first."""
        if self.process.isalive():
            try:
                self.process.write(KEYS["ctrl+q"].encode())
                self.process.wait() if self._exits_soon() else self.process.terminate(force=True)
            except (OSError, EOFError):
                pass
        if self.process.isalive():
            self.process.terminate(force=True)

    def _exits_soon(self, within: float = 5.0) -> bool:
        end = time.monotonic() + within
        while time.monotonic() < end:
            if not self.process.isalive():
                return True
            with self._changed:
                self._changed.wait(timeout=0.1)
        return False


def eventually(condition: Callable[[], T | None], what: Callable[[], str] | str) -> T:
    """Poll `condition()` (e.g. a database read) until it gives something, or fail after the
    deadline saying `what` was awaited."""
    end = time.monotonic() + DEADLINE
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")
        time.sleep(0.05)


def values_below(shown: str, label: str) -> list[str]:
    """The values on the line under the line holding `label`: one row of labelled fields,
    as a person reads them (cells are separated by two or more spaces)."""
    lines = shown.splitlines()
    for index, line in enumerate(lines[:-1]):
        if label in line:
            return [cell for cell in re.split(r"\s{2,}", lines[index + 1].strip()) if cell]
    raise AssertionError(f"no {label!r} on the screen:\n{shown}")


def base_env(home: Path) -> dict[str, str]:
    """An environment with the user's folders under `home`, never the real ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MASH_TUI_")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    env.pop("NO_COLOR", None)
    return env
