"""Provides the helper that runs service calls off the UI thread and reports their failures."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.widget import Widget

from mash_tui.domain.errors import MashError, first_line
from mash_tui.widgets.modals import ErrorModal

T = TypeVar("T")


class ServiceCaller:
    """Runs a service call in a thread worker and hands the result back on the UI thread."""

    def call_service(
        self,
        fn: Callable[..., T],
        *args: Any,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        group: str = "service",
        **kwargs: Any,
    ) -> None:
        """Call `fn(*args, **kwargs)` off the UI thread; `done` or `failed` runs on the UI thread."""
        assert isinstance(self, Widget)
        widget = self
        app = widget.app

        def job() -> None:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                handler = failed or widget_report(widget)
                _deliver(app, handler, exc)
            else:
                if done is not None:
                    _deliver(app, done, result)

        widget.run_worker(job, thread=True, group=group, exit_on_error=False)


def _deliver(app: App[Any], callback: Callable[[Any], None], value: Any) -> None:
    """Hand a value back to the UI thread, unless the app has already gone."""
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(callback, value)


def widget_report(widget: Widget) -> Callable[[BaseException], None]:
    """The default failure handler: a notification for refusals, a modal for the unexpected."""

    def report(exc: BaseException) -> None:
        if isinstance(exc, MashError):
            widget.notify(first_line(exc), title="Not saved", severity="error", timeout=8)
        else:
            widget.app.push_screen(ErrorModal("Something went wrong", first_line(exc)))

    return report
