"""Provides the custom Textual messages that travel between the screens and the App.

The App posts the first two to every open screen (they do not bubble back); widgets
post `Edited` to the screen they sit on; screens post `RowsShown` up to the App.
"""

from __future__ import annotations

from textual.message import Message


class ServicesReady(Message, bubble=False):
    """The database is open and the person known: screens may now read and write."""


class StoredDataChanged(Message, bubble=False):
    """Stored contacts changed behind the screens' backs (demo data): read them again."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoredDataChanged)


class Edited(Message):
    """Something on the form changed that no input event reported, so the draft is due."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Edited)


class RowsShown(Message):
    """A screen's list shows its first rows from the database: the app is usable now."""
