"""The jobs of the web editor's files (/admin/, planned in plan/admin.py).

Each is a generated file whose fingerprint is a digest of its bytes, so that a change
of site.yaml's `cms:` block or of a front-matter schema remakes config.yml, and the
full plan (which any such change brings) drops /admin/ when `cms:` is taken out.
"""

from __future__ import annotations

from sitegen.base.cache import digest
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.engine.jobs import FileJob
from sitegen.link.site import Site
from sitegen.plan.admin import DECAP_SHA256, VendoredScriptChanged, editor_files, vendored_script

ORIGIN = "cms (site.yaml)"


def editor_jobs(site: Site) -> list[FileJob]:
    """Return a job for each file of /admin/; none when site.yaml has no `cms:` block.

    Raises:
        ContentError: when the vendored editor script is not the pinned one.
    """
    jobs = []
    for file in editor_files(site.config, site.urls):
        data = file.data if file.data is not None else _script(file.path)
        fingerprint = DECAP_SHA256 if file.data is None else digest(data)
        jobs.append(FileJob(file.path, fingerprint, _Bytes(data), ORIGIN))
    return jobs


class _Bytes:
    """Gives the bytes it holds (a job's maker)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __call__(self) -> bytes:
        return self.data


def _script(path: str) -> bytes:
    try:
        return vendored_script()
    except (VendoredScriptChanged, OSError) as error:
        message = _(
            "the web editor's script is missing or not the pinned one ({reason}); "
            "run 'make vendor-decap' or reinstall sitegen"
        ).format(reason=error)
        raise ContentError([Problem("site.yaml", 0, "cms", message)]) from None
