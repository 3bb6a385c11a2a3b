"""The options of one build: folders, switches and "now". Standard library only, so that
a build that finds nothing to do never loads the heavier stages."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.base.parallel import available_cores

SITE_FILE = "site.yaml"
"""The file of a site's settings, at the root of its folder."""

CACHE_FOLDER = ".sitegen-cache"
"""The build cache and state, in the site root."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything one build needs to know besides the content itself."""

    site_path: Path
    content_path: Path
    output_path: Path
    base_url: str | None
    """Overrides site.yaml's base_url when set."""
    include_drafts: bool
    now: datetime
    """The moment that decides what is published (aware, UTC)."""
    jobs: int = 0
    """Processes that render; 0: one per core."""
    use_cache: bool = True
    """Keep rendered bodies and page fingerprints in SITE/.sitegen-cache/."""
    search: bool = True
    """Make the search index (Pagefind)."""
    compact_in_background: bool = False
    """When the search delta outgrows its limit, index the new base in the background and
    keep the old one until then (the preview: engine/compaction.py)."""

    @property
    def workers(self) -> int:
        """Return the number of processes that render."""
        return self.jobs or available_cores()

    @property
    def cache_path(self) -> Path | None:
        """Return the cache folder, or None when the build keeps no cache."""
        return self.site_path / CACHE_FOLDER if self.use_cache else None

    @property
    def templates_path(self) -> Path:
        """Return the folder of the Jinja templates."""
        return self.site_path / "templates"

    @property
    def static_path(self) -> Path:
        """Return the folder copied as it is into the output."""
        return self.site_path / "static"


def build_time(environ: dict[str, str] | os._Environ[str]) -> datetime:
    """Return "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock.

    Raises:
        UsageError: when SOURCE_DATE_EPOCH is not a whole number of seconds.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC)
    if not re.fullmatch(r"[0-9]+", epoch.strip(), flags=re.ASCII):
        raise UsageError(
            _("SOURCE_DATE_EPOCH={epoch!r}: expected whole seconds since 1970").format(epoch=epoch)
        )
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (OverflowError, OSError, ValueError):
        raise UsageError(
            _(
                "SOURCE_DATE_EPOCH={epoch!r}: out of range; expected whole seconds since 1970 "
                "before the year 10000"
            ).format(epoch=epoch)
        ) from None


def web_address_problem(value: str) -> str | None:
    """Return why value is not a usable http(s) address of a site, or None."""
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
        return _("{value!r} is not a web address; write e.g. https://www.example.cz/").format(
            value=value
        )
    try:
        split = urlsplit(value)
        port = split.port
    except ValueError as error:
        flaw: str | None = str(error)
    else:
        flaw = _address_flaw(split.hostname, split.username, port)
    if flaw is None:
        return None
    return _("{value!r} is not a web address ({flaw}); write e.g. https://www.example.cz/").format(
        value=value, flaw=flaw
    )


def _address_flaw(hostname: str | None, username: str | None, port: int | None) -> str | None:
    if not hostname:
        return _("it has no host name")
    if username is not None:
        return _("a site address holds no user name")
    return _("port 0 cannot be reached") if port == 0 else None
