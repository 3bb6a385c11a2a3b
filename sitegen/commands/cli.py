"""Command line: argv → BuildOptions → one command; problems to stderr, exit status.

Commands: build (the default), serve, check, new. Exit status: 0 done; 1 content
errors (nothing written) or a failed check; 2 bad usage.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from sitegen import __version__
from sitegen.base.errors import ContentError, SitegenError
from sitegen.base.i18n import LANGUAGES, N_, _, decimal, ngettext, set_language
from sitegen.base.options import BuildOptions, build_time, web_address_problem
from sitegen.base.parallel import Progress, no_progress
from sitegen.engine.load import load_site
from sitegen.engine.pipeline import BuildReport, build

COMMANDS = ("build", "serve", "check", "new")


def new_kinds() -> tuple[str, ...]:
    """Return the names of the kinds `new` writes, from the table of kinds (which loads
    the front-matter schemas: only a `new` command asks)."""
    from sitegen.content.kinds import NEW_KINDS

    return tuple(kind.name for kind in NEW_KINDS)


def make_parser(kinds: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Return the parser of sitegen's command line; kinds: what `new` may write."""
    parser = _Parser(
        prog="sitegen",
        description=_("Build the website of the Agency for Social Inclusion from Markdown."),
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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
    _site_options(new_parser)
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


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line in the language of sitegen's messages."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error, and exit with status 2."""
        self.print_usage(sys.stderr)
        line = _("{prog}: error: {message}").format(prog=self.prog, message=usage_message(message))
        self.exit(2, line + "\n")


ARGPARSE_MSGIDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
"""The texts argparse shows (Python 3.11), as it passes them to its gettext `_()`: they
are msgids of sitegen's catalog, so that `make messages` offers them to translate."""
ARGPARSE_PLURALS = (N_("expected %s argument"), N_("expected %s arguments"))
"""argparse's one text with a number, as it passes it to its `ngettext()`."""


@contextmanager
def argparse_in_our_language() -> Iterator[None]:
    """Within the block, argparse's own texts (usage:, options, its errors) come from
    sitegen's catalog in the language of sitegen's messages.

    argparse translates them with the gettext functions it imported (`argparse._`
    and `argparse.ngettext`, of gettext's default domain); they are sitegen's
    while the block runs, and gettext's again after it.
    """
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    setattr(argparse, "_", _)  # noqa: B010 (the module's name, not an attribute of ours)
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


_ARGPARSE_ERRORS = (
    (re.compile(r"unrecognized arguments: (?P<args>.*)"), N_("unrecognized arguments: {args}")),
    (
        re.compile(r"the following arguments are required: (?P<args>.*)"),
        N_("the following arguments are required: {args}"),
    ),
    (
        re.compile(
            r"argument (?P<name>\S+): invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)"
        ),
        N_("argument {name}: invalid choice: {value} (choose from {choices})"),
    ),
    (
        re.compile(r"argument (?P<name>\S+): expected one argument"),
        N_("argument {name}: expected one argument"),
    ),
    (
        re.compile(r"argument (?P<name>\S+): not allowed with argument (?P<other>\S+)"),
        N_("argument {name}: not allowed with argument {other}"),
    ),
    (re.compile(r"argument (?P<name>\S+): (?P<message>.*)"), N_("argument {name}: {message}")),
)
"""argparse's error messages, which it gives in English only, as msgids."""


def usage_message(message: str) -> str:
    """Return argparse's error message in the language of sitegen's messages."""
    for pattern, ours in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return _(ours).format(**match.groupdict())
    return message


def _language_in(argv: Sequence[str]) -> str | None:
    """Return the --lang that argv asks for, before argparse reads it (for its errors)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return _known_language(arg.partition("=")[2])
        if arg == "--lang" and i + 1 < len(argv):
            return _known_language(argv[i + 1])
    return None


def _known_language(value: str) -> str | None:
    return value if value in LANGUAGES else None


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
    set_language(_language_in(args_list))
    kinds = new_kinds() if args_list[0] == "new" else ()
    with argparse_in_our_language():
        args = make_parser(kinds).parse_args(args_list)
    if argv is None and args.command == "build":
        # The process ends with the build: Python's collector need not run after it
        # (the build pauses it; turning it on again would collect once, in vain).
        gc.disable()
    run = {"build": run_build, "serve": run_serve, "check": run_check, "new": run_new}
    try:
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
    from sitegen.content.models import Item

    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as folder:
        options = options_from(args, output_path=Path(folder) / "public")
        try:
            with _progress(args) as progress:
                report = build(options, _reporter(args), progress, _notice)
        except ContentError as error:  # the check failed, though at its build
            return _check_failed(error.problems)
        site = report.site or load_site(options)  # a fresh folder always loads it
        sources = {item.url: item.source for item in site.models() if isinstance(item, Item)}
        problems = check_output(options.output_path, site.urls, sources, args.source)
    warnings = [*report.warnings, *map(str, sorted(advise(site)))]
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
    from sitegen.commands.scaffold import new_file
    from sitegen.content.kinds import kind_named

    content = args.content if args.content is not None else args.source / "content"
    config = load_config(args.source, args.base_url)
    kind = kind_named(args.kind)
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
