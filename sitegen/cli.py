"""Command line: argv → BuildOptions → one command; problems to stderr, exit status.

Exit status: 0 built; 1 content errors (nothing written); 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from sitegen import __version__
from sitegen.config import BuildOptions, build_time
from sitegen.errors import ContentError, SitegenError
from sitegen.pipeline import build

COMMANDS = ("build",)


def make_parser() -> argparse.ArgumentParser:
    """Return the parser of sitegen's command line."""
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build the website of the Agency for Social Inclusion from Markdown.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build the site (the default command)")
    build_parser.add_argument(
        "--source",
        type=Path,
        default=Path(),
        help="site root with site.yaml, content/, templates/, static/ (default: .)",
    )
    build_parser.add_argument(
        "--content", type=Path, help="content folder (default: SOURCE/content)"
    )
    build_parser.add_argument("--output", type=Path, help="output folder (default: SOURCE/public)")
    build_parser.add_argument("--base-url", help="public address, overrides site.yaml")
    build_parser.add_argument(
        "--drafts", action="store_true", help="include drafts and items dated in the future"
    )
    build_parser.add_argument(
        "--debug", action="store_true", help="show a traceback when the build fails"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "build")
    args = make_parser().parse_args(args_list)
    try:
        return run_build(args)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(
            f"Build failed: {count} problem{'s' if count != 1 else ''}; nothing was written.",
            file=sys.stderr,
        )
        return _debug(args, error)
    except SitegenError as error:
        print(f"sitegen: {error}", file=sys.stderr)
        return _debug(args, error)


def run_build(args: argparse.Namespace) -> int:
    """Build the site that args describe and print a one-line summary."""
    source: Path = args.source
    options = BuildOptions(
        site_path=source,
        content_path=args.content if args.content is not None else source / "content",
        output_path=args.output if args.output is not None else source / "public",
        base_url=args.base_url,
        include_drafts=args.drafts,
        now=build_time(os.environ),
    )
    report = build(options, lambda message: print(message, file=sys.stderr))
    print(
        f"Built {report.pages} pages ({report.files} files: {report.written} written, "
        f"{report.files - report.written} unchanged) into {options.output_path} "
        f"in {report.seconds:.2f} s"
    )
    return 0


def _debug(args: argparse.Namespace, error: SitegenError) -> int:
    if getattr(args, "debug", False):
        traceback.print_exception(error)
    return error.exit_code
