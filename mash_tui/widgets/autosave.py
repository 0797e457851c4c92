"""Provides drafts kept as people type: the timing on a screen, and the one writer of a draft."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from mash_tui.domain.errors import first_line

if TYPE_CHECKING:
    from textual.events import DescendantBlur
    from textual.timer import Timer

    from mash_tui.services import Services


class DraftSlot:
    """One draft in the database: written, replaced and discarded from workers, one at a time.

    Once `finish()` is called (the work was saved for real) no later write brings it back.
    """

    def __init__(
        self, kind: str, draft_id: int | None = None, contact_id: int | None = None
    ) -> None:
        self.kind = kind
        self.draft_id = draft_id
        self.contact_id = contact_id
        self.finished = False
        self._lock = threading.Lock()

    def write(self, services: Services, login: str, payload: dict[str, Any]) -> None:
        """Save the payload as this draft (a new one the first time)."""
        with self._lock:
            if self.finished:
                return
            self.draft_id = services.save_draft(
                login, self.kind, payload, self.draft_id, contact_id=self.contact_id
            )

    def discard(self, services: Services, login: str) -> None:
        """Throw the draft away, if one was written."""
        with self._lock:
            if self.draft_id is not None:
                services.discard_draft(login, self.draft_id)
                self.draft_id = None

    def finish(self) -> None:
        """The work is stored for real: no draft of it may be written again."""
        self.finished = True


class DraftAutosave:
    """Typed text kept as a draft: shortly after the last keystroke, when focus leaves a
    field, and again a little later when a save fails.

    A screen mixes this in, calls `schedule_draft()` when anything is edited and
    provides `save_draft()`, which writes in a worker and passes `draft_failed` as its
    failure handler.
    """

    DRAFT_DELAY = 0.7  # seconds after the last keystroke
    DRAFT_RETRY = 3.0  # seconds before a failed save is tried again
    _draft_timer: Timer | None = None
    _last_saved: dict[str, Any] | None = None

    def save_draft(self) -> None:
        raise NotImplementedError

    def schedule_draft(self) -> None:
        """Save a little after the last keystroke, so typing is never held up by a write."""
        assert isinstance(self, Widget)
        self.stop_drafts()
        self._draft_timer = self.set_timer(self.DRAFT_DELAY, self.save_draft)

    def stop_drafts(self) -> None:
        """No pending save (the work is finished or is being saved now)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if self._draft_timer is not None:
            self.stop_drafts()
            self.save_draft()

    def draft_failed(self, exc: BaseException) -> None:
        """Say so and try again shortly, so a passing lock never loses what was typed."""
        assert isinstance(self, Widget)
        self._last_saved = None  # so the retry writes even if nothing else is typed
        self.notify(f"Draft not saved yet, trying again: {first_line(exc)}", severity="warning")
        self.set_timer(self.DRAFT_RETRY, self.save_draft)
