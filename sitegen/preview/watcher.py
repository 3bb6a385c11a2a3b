"""The watcher: the preview's builds, one after each burst of changes to the site.

Builds run in a worker thread, never in the event loop's thread: Pagefind's
`asyncio.run` needs a thread without a running loop, and the preview answers (and
stops) while it builds.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from sitegen.base.i18n import _
from sitegen.engine.pipeline import scan_site
from sitegen.preview.builds import Preview

POLL_SECONDS = 0.05
"""How often the watched folders are looked at."""
QUIET_SECONDS = 0.15
"""A rebuild waits until nothing has changed for this long (a `git checkout` is one burst)."""
SEARCH_PAUSE_SECONDS = 2.0
"""After a save, the search index is brought up to date once the author paused this long:
indexing never delays the reload of the page."""
STOP_GRACE_SECONDS = 0.5
"""How long a build that broke waits for the stop that may have broken it."""

Notify = Callable[[], None]


def run_builds(preview: Preview, stop: threading.Event, notify: Notify) -> None:
    """Build, then rebuild once after each burst of changes, until stop is set.

    Changes are looked for as a build looks for them (scan_site), so every change
    that would make a build do something, a link or a pipe added, say, rebuilds the preview.
    """
    seen = scan_site(preview.options)
    preview.log(_("Building the preview..."))
    _build_and_notify(preview, stop, notify)
    last_change: float | None = None
    last_build = time.monotonic()
    pause = POLL_SECONDS
    while not stop.wait(pause):
        started = time.monotonic()
        current = scan_site(preview.options)
        now = time.monotonic()
        # A big site takes a while to look at: keep that under a tenth of a core.
        pause = max(POLL_SECONDS, 9 * (now - started))
        if current != seen:
            seen, last_change = current, now
        elif last_change is not None and now - last_change >= QUIET_SECONDS:
            last_change, last_build = None, time.monotonic()
            _build_and_notify(preview, stop, notify)
        elif preview.search_stale and now - last_build >= SEARCH_PAUSE_SECONDS:
            preview.refresh_search()


def _build_and_notify(preview: Preview, stop: threading.Event, notify: Notify) -> None:
    try:
        preview.rebuild()
    except Exception as error:
        # Stopping kills the build's workers, which breaks the build: not worth a word.
        # Ctrl-C in a terminal reaches the workers a moment before the preview itself.
        if stop.wait(STOP_GRACE_SECONDS):
            return
        traceback.print_exception(error)
        preview.problems = [
            _("sitegen: unexpected error, please report it: {error!r}").format(error=error)
        ]
    if not stop.is_set():
        notify()
