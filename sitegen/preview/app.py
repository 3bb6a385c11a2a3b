"""The preview's tornado application: the live reload socket and script, the pages, and
the refusal of requests for another host.

The live reload socket accepts only pages of this preview; each build ends with a
reload of every open page (reload_browsers).
"""

from __future__ import annotations

from typing import Any

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from tornado import httputil, web
from tornado.websocket import WebSocketClosedError

from sitegen.base.i18n import _
from sitegen.preview.builds import Preview
from sitegen.preview.hosts import HostPolicy
from sitegen.preview.pages import PreviewPages

LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||80;s.src="//"+window.location.hostname+":"+port'
    b'+"/livereload.js?port="+port;document.head.appendChild(s);})();</script>'
)
"""livereload's snippet: loads livereload.js, which reloads the page after each build."""


class _RefusedHostHandler(web.RequestHandler):
    """Answers requests whose Host header names another site."""

    def initialize(self, url: str) -> None:
        self.url = url

    def prepare(self) -> None:
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(_("Bad request: the preview answers only at {url}").format(url=self.url) + "\n")


class _GuardedApplication(web.Application):
    """A tornado application that answers only requests for the preview's own address."""

    def __init__(self, handlers: list[Any], policy: HostPolicy) -> None:
        super().__init__(handlers, log_function=lambda handler: None)
        self.policy = policy

    def find_handler(
        self, request: httputil.HTTPServerRequest, **kwargs: Any
    ) -> web._HandlerDelegate:
        """Return the handler of request, or the refusal when its Host is not ours."""
        if not self.policy.allows(request.headers.get("Host", "")):
            return self.get_handler_delegate(request, _RefusedHostHandler, {"url": self.policy.url})
        return super().find_handler(request, **kwargs)


class _LiveReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's socket, open only to pages of the preview (livereload accepts all).

    tornado also lets in an origin equal to the Host header, which has been checked.
    """

    def initialize(self, policy: HostPolicy) -> None:
        self.policy = policy

    def check_origin(self, origin: str) -> bool:
        return self.policy.allows_origin(origin)


class _QuietContainer(LiveScriptContainer):  # type: ignore[misc]
    """livereload's WSGI container, which adds its script to pages, without an access log.

    The terminal is for build results: a 404 of a favicon is no news to the user.
    """

    def _log(self, status_code: int, request: httputil.HTTPServerRequest) -> None:
        pass


def make_app(preview: Preview, policy: HostPolicy) -> web.Application:
    """Return the tornado application: live reload, then the preview's files."""
    files = _QuietContainer(PreviewPages(preview), LIVE_SCRIPT)
    return _GuardedApplication(
        [
            (r"/livereload", _LiveReloadSocket, {"policy": policy}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r".*", web.FallbackHandler, {"fallback": files}),
        ],
        policy,
    )


def reload_browsers() -> None:
    """Tell every open preview page to reload (in the event loop's thread)."""
    message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
    for page in list(LiveReloadHandler.waiters):
        try:
            page.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(page)
