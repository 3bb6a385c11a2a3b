"""Serving: `sitegen serve`, the live preview through livereload (tornado underneath),
from listening to Ctrl-C.

It builds the site with drafts and future items into a preview folder, serves that
folder, watches content/, templates/, static/ and site.yaml, and rebuilds once a burst
of changes has settled (the build cache keeps rebuilds to what changed). Builds run in
a worker thread, never in the event loop's thread: Pagefind's `asyncio.run` needs a
thread without a running loop, and the preview answers (and stops) while it builds.
A failing build leaves the last good site in place and adds an overlay with the
problems to every page, until a build succeeds; before any good build, every page is
that overlay.

Only requests whose Host header names this preview are answered (a page of another
site that rebinds its DNS name to 127.0.0.1 must not read the drafts), the live reload
socket accepts only pages of this preview, and only files inside the preview folder
are served.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import signal
import socket
import sys
import threading

from tornado.httpserver import HTTPServer

from sitegen.base.config import BuildOptions
from sitegen.base.i18n import _
from sitegen.preview.app import make_app, reload_browsers
from sitegen.preview.builds import Preview
from sitegen.preview.hosts import HostPolicy, host_policy
from sitegen.preview.sockets import VIA_MAKE, exposure_warning, listen
from sitegen.preview.watcher import Notify, run_builds


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Serve the preview and rebuild on changes until Ctrl-C; return the exit status.

    Raises:
        UsageError: when host:port cannot be listened on.
    """
    sockets = listen(host, port, via_make=os.environ.get(VIA_MAKE) == "1")
    port = sockets[0].getsockname()[1]
    warning = exposure_warning(host, [sock.getsockname()[0] for sock in sockets])
    if warning:
        print(warning, file=sys.stderr)
    policy = host_policy(host, port)
    print(_("Preview: {url} (drafts shown; Ctrl-C stops)").format(url=policy.url), file=sys.stderr)
    terminal = _Terminal()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the loop took the signal
        asyncio.run(_serve(Preview(options, log=terminal.line), sockets, policy))
    # A second Ctrl-C, while a build in progress winds down, ends the process at once.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    terminal.close(_("Preview stopped."))
    return 0


class _Terminal:
    """The preview's lines on the terminal, from the builds' thread and this one.

    "Preview stopped." is the last line: a build that ends while the preview stops
    (its thread is not waited for) says nothing after it, nor in the middle of it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closed = False

    def line(self, text: str) -> None:
        with self._lock:
            if not self._closed:
                print(text, file=sys.stderr, flush=True)

    def close(self, last: str) -> None:
        with self._lock:
            self._closed = True
            print(last, file=sys.stderr, flush=True)


async def _serve(preview: Preview, sockets: list[socket.socket], policy: HostPolicy) -> None:
    server = HTTPServer(make_app(preview, policy))
    server.add_sockets(sockets)
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # both end the preview the same way
        loop.add_signal_handler(stop_signal, stopped.set)
    _reset_signals_in_forked_workers()
    stop = threading.Event()
    notify = _notifier(loop, stop)
    worker = threading.Thread(
        target=run_builds,
        args=(preview, stop, notify),
        name="sitegen-preview-builds",
        daemon=True,  # a build in progress must not hold up Ctrl-C
    )
    worker.start()
    try:
        await stopped.wait()
    finally:
        stop.set()
        _stop_build_workers()
        server.stop()
        await server.close_all_connections()


@functools.cache
def _reset_signals_in_forked_workers() -> None:
    """Give the build's forked workers default signal handling, once per process.

    They would inherit the preview's asyncio handlers: ignore Ctrl-C and SIGTERM, and
    write to the preview's wakeup pipe.
    """
    os.register_at_fork(after_in_child=_default_signals)


def _default_signals() -> None:
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def _stop_build_workers() -> None:
    """End a build in progress: its worker processes would finish their work first."""
    for child in multiprocessing.active_children():
        child.terminate()


def _notifier(loop: asyncio.AbstractEventLoop, stop: threading.Event) -> Notify:
    def notify() -> None:
        if stop.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: the preview is stopping
            loop.call_soon_threadsafe(reload_browsers)

    return notify
