"""Host policy: which Host headers (and websocket origins) name this preview.

Only requests whose Host header names this preview are answered: a page of another
site that rebinds its DNS name to 127.0.0.1 must not read the drafts.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from urllib.parse import urlsplit


@dataclasses.dataclass(frozen=True, slots=True)
class HostPolicy:
    """Which Host headers (and websocket origins) name this preview."""

    url: str
    """The preview's address, as printed."""
    names: frozenset[str]
    """Accepted `host:port` values, lower case."""
    port: int
    any_address: bool = False
    """Listening on every interface: any IP address with the port is accepted too."""

    def allows(self, host: str) -> bool:
        """Return whether a request with this Host header is for the preview."""
        value = host.strip().lower()
        if value in self.names:
            return True
        return self.any_address and _is_ip_with_port(value, self.port)

    def allows_origin(self, origin: str) -> bool:
        """Return whether a page of origin may open the live reload socket."""
        return self.allows(urlsplit(origin).netloc)


def host_policy(host: str, port: int) -> HostPolicy:
    """Return the policy of a preview listening on host:port."""
    listened = f"[{host}]" if ":" in host else host
    hosts = {listened.lower(), "localhost", "127.0.0.1", "[::1]"}
    names = {f"{name}:{port}" for name in hosts}
    if port == 80:  # browsers leave out the default port
        names |= hosts
    url = f"http://{listened}:{port}/"
    return HostPolicy(url, frozenset(names), port, any_address=host in ("", "0.0.0.0", "::"))


def _is_ip_with_port(value: str, port: int) -> bool:
    # A DNS rebinding attack needs its own host name in the Host header; an IP
    # address cannot carry it.
    try:
        parts = urlsplit(f"//{value}")
        ipaddress.ip_address(parts.hostname or "")
        return parts.port == port
    except ValueError:
        return False
