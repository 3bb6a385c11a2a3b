"""The `newsletter` command: a month's news as an e-mail digest, in three files.

`newsletter YYYY-MM [--region ID] [--output DIR]` loads the site as `build` does and
writes into DIR (default SOURCE/zpravodaj):

- zpravodaj-YYYY-MM.html: the mail, from templates/newsletter.html with its CSS inlined
  into style attributes (css-inline), as mail clients that drop <style> need;
- zpravodaj-YYYY-MM.txt: its plain-text alternative, from templates/newsletter.txt;
- zpravodaj-YYYY-MM.listmonk.json: a campaign for listmonk's API (POST /api/campaigns).

A region's digest is named zpravodaj-YYYY-MM-<region>.*. The digest links the published
site: its photos are the variants the build publishes, so build and publish first.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sitegen.base.errors import ContentError, Problem, UsageError, WriteError
from sitegen.base.i18n import _, ngettext
from sitegen.base.options import BuildOptions

if TYPE_CHECKING:  # the command loads these when it runs: other commands start faster
    from sitegen.commands.digest import Digest
    from sitegen.link.site import Site

FOLDER = "zpravodaj"
"""The default output folder, in the site root."""
MAIL_LIMIT = 102 * 1000
"""Gmail shows a message of at most 102 KB and clips the rest behind a link; the
digest's HTML must stay under it (measured in bytes, with a kilobyte of 1,000)."""
HTML_TEMPLATE = "newsletter.html"
TEXT_TEMPLATE = "newsletter.txt"

SiteOptions = Callable[[argparse.ArgumentParser], None]
P = TypeVar("P", bound=argparse.ArgumentParser)


@dataclass(frozen=True, slots=True)
class Mail:
    """The digest as it is sent: HTML with inlined CSS, and its plain-text alternative."""

    html: str
    text: str


def add_parser(commands: argparse._SubParsersAction[P], site_options: SiteOptions) -> None:
    """Add the newsletter command to the command line's subcommands."""
    parser = commands.add_parser(
        "newsletter", help=_("write a month's news as an e-mail digest (HTML, text, listmonk)")
    )
    parser.add_argument("month", type=_month, metavar="YYYY-MM", help=_("the month, e.g. 2017-10"))
    parser.add_argument("--region", help=_("only the news of this region, e.g. stredocesky"))
    parser.add_argument(
        "--output",
        type=Path,
        help=_("output folder (default: SOURCE/{folder})").format(folder=FOLDER),
    )
    site_options(parser)


def _month(text: str) -> date:
    from sitegen.commands.digest import parse_month

    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_newsletter(args: argparse.Namespace) -> int:
    """Write the digest that args describe and print where it is."""
    from sitegen.commands.cli import options_from
    from sitegen.commands.digest import make_digest, region_named
    from sitegen.engine.load import load_site

    region = region_named(args.region) if args.region is not None else None
    output: Path = args.output if args.output is not None else args.source / FOLDER
    with tempfile.TemporaryDirectory(prefix="sitegen-newsletter-") as folder:
        # The site is loaded, not built: its output folder stays empty, and nothing is
        # written into the site's cache (the digest writes its three files, no more).
        options = options_from(
            args, output_path=Path(folder) / "unused", include_drafts=False, use_cache=False
        )
        _check_output(output, options)
        site = load_site(options)
    digest = make_digest(site, args.month, region)
    mail = render_mail(site, digest, options.templates_path)
    paths = write_digest(digest, mail, output, site.config.newsletter.lists)
    if not args.quiet:
        message = ngettext(
            "Wrote the digest of {month} ({count} news item, {size} KB): {paths}",
            "Wrote the digest of {month} ({count} news items, {size} KB): {paths}",
            len(digest.items),
        )
        print(
            message.format(
                month=f"{digest.month:%Y-%m}",
                count=len(digest.items),
                size=round(len(mail.html.encode()) / 1000),
                paths=", ".join(str(path) for path in paths),
            )
        )
    return 0


def _check_output(output: Path, options: BuildOptions) -> None:
    """Refuse an output that is a file, or lies in the sources."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise UsageError(
            _("--output {output}: is a file or a link; choose a folder, e.g. {folder}/").format(
                output=output, folder=FOLDER
            )
        )
    resolved = output.resolve()
    sources = (options.content_path, options.templates_path, options.static_path)
    for source in (*sources, options.site_path / ".git"):
        if resolved.is_relative_to(source.resolve()):
            raise UsageError(
                _("--output {output}: is inside {folder}; choose a folder of its own").format(
                    output=output, folder=source
                )
            )


def render_mail(site: Site, digest: Digest, templates_path: Path) -> Mail:
    """Return the digest rendered by the site's templates, its CSS inlined.

    Raises:
        ContentError: at the template's line when a template fails, or when the mail
            is larger than Gmail shows.
    """
    import css_inline
    import jinja2

    from sitegen.render.sandbox import TemplateLimit
    from sitegen.render.templates import make_environment, site_globals, template_problem

    env = make_environment(templates_path, site_globals(site))
    try:
        html = env.get_template(HTML_TEMPLATE).render(digest=digest)
        text = env.get_template(TEXT_TEMPLATE).render(digest=digest)
    except (jinja2.TemplateError, TemplateLimit) as error:
        raise ContentError([template_problem(error, templates_path)]) from None
    inlined = css_inline.inline(html, load_remote_stylesheets=False)
    size = len(inlined.encode())
    if size >= MAIL_LIMIT:
        message = _(
            "the digest takes {size} KB; Gmail clips a mail over {limit} KB: make "
            "a digest of each region (--region) or shorten the summaries"
        ).format(size=round(size / 1000), limit=MAIL_LIMIT // 1000)
        raise ContentError([_problem(HTML_TEMPLATE, message)])
    return Mail(inlined, text)


def _problem(template: str, message: str) -> Problem:
    return Problem(f"templates/{template}", 0, "", message)


def file_stem(digest: Digest) -> str:
    """Return the name of the digest's files without suffix, e.g. zpravodaj-2017-10."""
    region = f"-{digest.region.id}" if digest.region else ""
    return f"{FOLDER}-{digest.month:%Y-%m}{region}"


def campaign(digest: Digest, mail: Mail, lists: tuple[int, ...]) -> dict[str, object]:
    """Return the listmonk campaign of the digest (the body of POST /api/campaigns)."""
    fields: dict[str, object] = {
        "name": digest.name,
        "subject": digest.subject,
        "content_type": "html",
        "body": mail.html,
        "altbody": mail.text,
    }
    if lists:
        fields["lists"] = list(lists)
    return fields


def write_digest(
    digest: Digest, mail: Mail, output: Path, lists: tuple[int, ...] = ()
) -> tuple[Path, ...]:
    """Write the digest's three files into output; return their paths.

    lists: the ids of the listmonk lists the campaign names (none when empty).
    """
    stem = file_stem(digest)
    files = {
        output / f"{stem}.html": mail.html,
        output / f"{stem}.txt": mail.text,
        output / f"{stem}.listmonk.json": json.dumps(
            campaign(digest, mail, lists), ensure_ascii=False, indent=2
        )
        + "\n",
    }
    try:
        output.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            _write_file(path, text)
    except OSError as error:
        raise WriteError(
            _("{path}: cannot be written ({reason})").format(
                path=error.filename or output, reason=error.strerror
            )
        ) from None
    return tuple(files)


def _write_file(path: Path, text: str) -> None:
    """Write text to path whole or not at all: into a new file beside it (never one
    planted there: O_EXCL), renamed over it; its mode is the umask's, as any file's."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        with os.fdopen(os.open(temporary, flags, 0o666), "w", encoding="utf-8") as file:
            file.write(text)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
