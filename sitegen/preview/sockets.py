"""Sockets: listening on the preview's address, with a free port suggested when it is
taken, and a warning when other computers can reach the drafts.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterable

from tornado.netutil import bind_sockets

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _

PORTS_TO_TRY = 100
"""How many ports above a busy one are tried to suggest a free one."""


VIA_MAKE = "SITEGEN_VIA_MAKE"
"""The environment variable that `make preview` sets: the port to try is then named as
make takes it (PORT=8001), since make passes no --port of the reader's."""


def listen(host: str, port: int, *, via_make: bool = False) -> list[socket.socket]:
    """Return sockets listening on host:port; via_make: started by `make preview`.

    Raises:
        UsageError: when the port is taken or the address cannot be listened on.
    """
    if not 0 <= port <= 65535:
        raise UsageError(
            _("--port {port}: write a number from 1 to 65535 (0: any free port)").format(port=port)
        )
    try:
        return bind_sockets(port, address=host)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise UsageError(
                _("cannot listen on {host}:{port}: {reason}").format(
                    host=host, port=port, reason=error.strerror
                )
            ) from None
    free = next_free_port(host, port)
    if via_make:
        raise UsageError(_busy_under_make(host, port, free))
    if free:
        raise UsageError(
            _("port {port} on {host} is already in use; try --port {free}").format(
                port=port, host=host, free=free
            )
        )
    raise UsageError(
        _("port {port} on {host} is already in use; try another --port").format(
            port=port, host=host
        )
    )


def _busy_under_make(host: str, port: int, free: int | None) -> str:
    if free:
        return _("port {port} on {host} is already in use; try make preview PORT={free}").format(
            port=port, host=host, free=free
        )
    return _(
        "port {port} on {host} is already in use; try make preview PORT= with another port"
    ).format(port=port, host=host)


def next_free_port(host: str, port: int) -> int | None:
    """Return the first port above port that host:port can listen on, or None."""
    for candidate in range(port + 1, min(port + PORTS_TO_TRY, 65535) + 1):
        try:
            sockets = bind_sockets(candidate, address=host)
        except OSError:
            continue
        for sock in sockets:
            sock.close()
        return candidate
    return None


def exposure_warning(host: str, addresses: Iterable[str]) -> str | None:
    """Return a warning when the preview listens on more than this computer's loopback."""
    if all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        return None
    return _(
        "warning: --host {host} makes the preview reachable from other computers: "
        "drafts and unpublished items become visible to everyone on the network."
    ).format(host=host)
