"""Command line: argv → BuildOptions → one command; problems to stderr, exit status.

Commands: build (the default), serve, check, new, newsletter (commands/newsletter.py).
Exit status: 0 done; 1 content errors (nothing written) or a failed check; 2 bad usage.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from sitegen import __version__
from sitegen.base.errors import ContentError, SitegenError, UsageError
from sitegen.base.i18n import LANGUAGES, _, decimal, ngettext, set_language
from sitegen.base.options import SITE_FILE, BuildOptions, build_time, web_address_problem
from sitegen.base.parallel import Progress, no_progress
from sitegen.commands import newsletter
from sitegen.commands.usage import Parser, argparse_in_our_language, language_in
from sitegen.engine.load import load_site
from sitegen.engine.pipeline import BuildReport, build

TRANSLATION_LANGUAGES = ("en",)
"""The languages `new --translation` writes (content/sources.py reads the same)."""
COMMANDS = ("build", "serve", "check", "new", "newsletter")


def new_kinds() -> tuple[str, ...]:
    """Return the names of the kinds `new` writes, from the table of kinds (which loads
    the front-matter schemas: only a `new` command asks)."""
    from sitegen.content.kinds import NEW_KINDS

    return tuple(kind.name for kind in NEW_KINDS)


def make_parser(kinds: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Return the parser of sitegen's command line; kinds: what `new` may write."""
    parser = Parser(
        prog="sitegen",
        description=_("Build the website of the Agency for Social Inclusion from Markdown."),
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    build_parser = commands.add_parser("build", help=_("build the site (the default command)"))
    _site_options(build_parser)
    build_parser.add_argument(
        "--output", type=Path, help=_("output folder (default: SOURCE/public)")
    )
    build_parser.add_argument(
        "--drafts", action="store_true", help=_("include drafts and items dated in the future")
    )
    build_parser.add_argument(
        "--jobs", type=_jobs, default=0, help=_("processes that render (default: one per core)")
    )
    build_parser.add_argument(
        "--no-cache", action="store_true", help=_("neither read nor write SOURCE/.sitegen-cache")
    )
    serve_parser = commands.add_parser("serve", help=_("preview with drafts and live reload"))
    _site_options(serve_parser)
    serve_parser.add_argument(
        "--output", type=Path, help=_("preview folder (default: SOURCE/.sitegen-cache/preview)")
    )
    serve_parser.add_argument(
        "--port", type=_port, default=8000, help=_("port (default: 8000; 0: any free port)")
    )
    serve_parser.add_argument(
        "--host",
        default="127.0.0.1",
        help=_(
            "address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 shows "
            "the drafts to the whole network)"
        ),
    )
    check_parser = commands.add_parser(
        "check", help=_("build into a temporary folder and check links, feeds and sitemap")
    )
    _site_options(check_parser)
    new_parser = commands.add_parser("new", help=_("write a new content file"))
    new_parser.add_argument(
        "kind",
        choices=kinds,
        metavar=_("KIND"),
        help=_("what to write: {kinds}").format(kinds=", ".join(kinds)),
    )
    new_parser.add_argument("title", metavar=_("TITLE"), help=_('its title, e.g. "Titulek zprávy"'))
    new_parser.add_argument(
        "--bundle",
        action="store_true",
        help=_("write FOLDER/index.md, so that photos and documents can go beside it"),
    )
    new_parser.add_argument(
        "--translation",
        choices=TRANSLATION_LANGUAGES,
        help=_(
            "write the translation of an existing item beside it; TITLE is then the "
            "original's file name, e.g. o-agenture"
        ),
    )
    _site_options(new_parser)
    newsletter.add_parser(commands, _site_options)
    _language_option(parser)
    return parser


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        type=Path,
        default=Path(),
        help=_("site root with site.yaml, content/, templates/, static/ (default: .)"),
    )
    parser.add_argument("--content", type=Path, help=_("content folder (default: SOURCE/content)"))
    parser.add_argument("--base-url", type=_base_url, help=_("public address, overrides site.yaml"))
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help=_("print only problems"))
    loudness.add_argument(
        "-v", "--verbose", action="store_true", help=_("also print what each stage did")
    )
    parser.add_argument("--debug", action="store_true", help=_("show a traceback on failure"))
    _language_option(parser)


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("language of the messages (default: Czech; English under an English locale)"),
    )


MAX_JOBS = 256
"""More processes than this only exhaust the machine."""


def _whole_number(text: str, low: int, high: int, what: str) -> int:
    """Return text as a whole number from low to high, for argparse's type=."""
    if not text.isascii() or not text.strip().lstrip("-").isdigit() or len(text) > 12:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a whole number; {what}").format(text=text, what=what)
        )
    number = int(text)
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(
            _("{text!r} is out of range; {what}").format(text=text, what=what)
        )
    return number


def _jobs(text: str) -> int:
    return _whole_number(
        text, 0, MAX_JOBS, _("write 0 (one per core) up to {most}").format(most=MAX_JOBS)
    )


def _port(text: str) -> int:
    return _whole_number(
        text, 0, 65535, _("write a port from 1 to 65535, e.g. 8000, or 0 for any free port")
    )


def _base_url(text: str) -> str:
    problem = web_address_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def run() -> NoReturn:
    """The program: main() with the process's arguments, then exit at once.

    When main returns, everything the command made is written and closed; tearing
    the interpreter down object by object would add up to a tenth of a second to a
    build (measured at 10,000 items) that no one needs to wait for.
    """
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: there is no one left to tell
        status = status or 1
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "build")
    set_language(language_in(args_list))
    kinds = new_kinds() if args_list[0] == "new" else ()
    with argparse_in_our_language():
        args = make_parser(kinds).parse_args(args_list)
    if argv is None and args.command == "build":
        # The process ends with the build: Python's collector need not run after it
        # (the build pauses it; turning it on again would collect once, in vain).
        gc.disable()
    run = {
        "build": run_build,
        "serve": run_serve,
        "check": run_check,
        "new": run_new,
        "newsletter": newsletter.run_newsletter,
    }
    try:
        _check_site_folder(args.source)
        return run[args.command](args)
    except ContentError as error:
        _print_problems(error.problems)
        count = len(error.problems)
        failed = ngettext(
            "Build failed: {count} problem; nothing was written.",
            "Build failed: {count} problems; nothing was written.",
            count,
        )
        print(failed.format(count=count), file=sys.stderr)
        return _debug(args, error)
    except SitegenError as error:
        print(f"sitegen: {error}", file=sys.stderr)
        return _debug(args, error)
    except ModuleNotFoundError as error:  # run by a Python without sitegen's libraries
        message = _(
            "sitegen: this Python lacks the library {name!r}. Run `make preview` (or "
            "`make site`) once: it installs everything into .venv/. Then use "
            "`.venv/bin/python build.py`."
        )
        print(message.format(name=error.name), file=sys.stderr)
        return 2


def _check_site_folder(source: Path) -> None:
    """Refuse to run in a folder inside a site (content/news, say) rather than in it.

    Raises:
        UsageError: naming the site folder above and the `cd` that goes there.
    """
    if (source / SITE_FILE).exists():
        return
    here = source.resolve()
    site = next((folder for folder in here.parents if (folder / SITE_FILE).is_file()), None)
    if site is not None:
        raise UsageError(
            _(
                "{here} has no {file}; it is inside the site folder {site}: run the "
                "command there (cd {cd})"
            ).format(here=here, file=SITE_FILE, site=site, cd=os.path.relpath(site, here))
        )


def options_from(args: argparse.Namespace, **changes: object) -> BuildOptions:
    """Return the build options that args describe."""
    source: Path = args.source
    output = getattr(args, "output", None)
    options = BuildOptions(
        site_path=source,
        content_path=args.content if args.content is not None else source / "content",
        output_path=output if output is not None else source / "public",
        base_url=args.base_url,
        include_drafts=getattr(args, "drafts", False),
        now=build_time(os.environ),
        jobs=getattr(args, "jobs", 0),
        use_cache=not getattr(args, "no_cache", False),
    )
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


def run_build(args: argparse.Namespace) -> int:
    """Build the site that args describe and print a one-line summary."""
    options = options_from(args)
    with _progress(args) as progress:
        report = build(options, _reporter(args), progress, _notice)
    _print_warnings(report.warnings)
    if not args.quiet:
        print(_summary(report, options.output_path))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve a live preview until Ctrl-C."""
    from sitegen.base.options import CACHE_FOLDER
    from sitegen.preview.serve import serve

    output = args.output or args.source / CACHE_FOLDER / "preview"
    options = options_from(args, output_path=output, include_drafts=True)
    return serve(options, args.host, args.port)


def run_check(args: argparse.Namespace) -> int:
    """Validate, build into a temporary folder, check the result; exit 1 on errors."""
    from sitegen.commands.check import advise, check_output
    from sitegen.commands.stale import stale_translations
    from sitegen.content.models import Item

    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as folder:
        options = options_from(args, output_path=Path(folder) / "public")
        try:
            with _progress(args) as progress:
                report = build(options, _reporter(args), progress, _notice)
        except ContentError as error:  # the check failed, though at its build
            return _check_failed(error.problems)
        site = report.site or load_site(options)  # a fresh folder always loads it
        shown = (*site.models(), *site.english_models())
        sources = {item.url: item.source for item in shown if isinstance(item, Item)}
        problems = check_output(options.output_path, site.urls, sources, args.source)
    stale = stale_translations(site, args.source)
    warnings = [*report.warnings, *map(str, sorted(advise(site))), *map(str, stale)]
    if not args.quiet:  # --quiet prints only errors
        _print_warnings(warnings)
    if problems:
        return _check_failed(problems)
    if not args.quiet:
        passed = ngettext(
            "Check passed: {pages} pages, links, anchors, feeds and sitemap are fine "
            "({count} warning).",
            "Check passed: {pages} pages, links, anchors, feeds and sitemap are fine "
            "({count} warnings).",
            len(warnings),
        )
        print(passed.format(pages=report.pages, count=len(warnings)))
    return 0


def _check_failed(problems: Sequence[object]) -> int:
    """Print the problems of a failed check and its summary line; return its status."""
    _print_problems(problems)
    failed = ngettext(
        "Check failed: {count} problem.", "Check failed: {count} problems.", len(problems)
    )
    print(failed.format(count=len(problems)), file=sys.stderr)
    return 1


def run_new(args: argparse.Namespace) -> int:
    """Write a new content file and print its path."""
    from sitegen.base.config import load_config
    from sitegen.commands.scaffold import new_file, new_translation
    from sitegen.content.kinds import kind_named

    content = args.content if args.content is not None else args.source / "content"
    config = load_config(args.source, args.base_url)
    kind = kind_named(args.kind)
    if args.translation:
        print(new_translation(kind, args.title, content, args.translation))
        return 0
    path = new_file(
        kind, args.title, content, build_time(os.environ), config.tz, bundle=args.bundle
    )
    print(path)
    return 0


def _summary(report: BuildReport, output: Path) -> str:
    summary = ngettext(
        "Built {pages} page ({files} files: {written} written, {unchanged} unchanged) "
        "into {output} in {seconds} s",
        "Built {pages} pages ({files} files: {written} written, {unchanged} unchanged) "
        "into {output} in {seconds} s",
        report.pages,
    )
    return summary.format(
        pages=report.pages,
        files=report.files,
        written=report.written,
        unchanged=report.files - report.written,
        output=output,
        seconds=decimal(report.seconds, 2),
    )


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_warnings(warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(_("warning: {warning}").format(warning=warning), file=sys.stderr)


def _reporter(args: argparse.Namespace) -> Callable[[str], None]:
    if args.verbose:
        return lambda message: print(message, file=sys.stderr)
    return lambda message: None


@contextmanager
def _progress(args: argparse.Namespace) -> Iterator[Progress]:
    """Yield a progress bar on a terminal (rich), or nothing when quiet or piped."""
    if args.quiet or not sys.stderr.isatty():
        yield no_progress
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:

        def start(stage: str, total: int) -> Callable[[int], object]:
            task = bar.add_task(stage, total=total)
            return lambda done: bar.advance(task, done)

        yield start


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _debug(args: argparse.Namespace, error: SitegenError) -> int:
    if getattr(args, "debug", False):
        traceback.print_exception(error)
    return error.exit_code
