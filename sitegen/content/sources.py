"""Stage 1: walk content/ and return its source files; the only module that reads content.

Input: the content folder. Output: SourceFile values (text already decoded) and the
problems found on the way (files that are not UTF-8, stray files, unknown folders).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import ContentError, Problem, did_you_mean

KIND_FOLDERS = {
    "news": "news",
    "localities": "locality",
    "partnerships": "partnership",
    "pages": "page",
    "regions": "region",
}
"""Folder under content/ → the kind of item its files hold."""

BUNDLE_INDEX = "index.md"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file, read and decoded."""

    rel_path: str
    """Path shown in messages, relative to the site root (POSIX), e.g. content/news/x.md."""
    kind: str
    """news, locality, partnership, page or region."""
    name: str
    """File stem or bundle folder name: where the slug comes from."""
    text: str
    """The whole file, with Unix line ends."""
    bundle_path: Path | None
    """The bundle folder, or None for a single-file item."""
    bundle_files: tuple[str, ...]
    """Files of the bundle besides index.md, as sorted POSIX paths inside the bundle."""
    content_key: str
    """Path relative to the content folder (POSIX): what Markdown links resolve against."""


def display_path(path: Path, root: Path) -> str:
    """Return path relative to root when inside it (POSIX), else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_sources(content_path: Path, site_path: Path) -> tuple[SourceFile, ...]:
    """Read every content file under content_path, sorted by path.

    Raises:
        ContentError: with every problem found, when any file cannot be used.
    """
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    reader = _Reader(content_path.resolve(), site_path, sources, problems)
    for child in _listing(content_path):
        reader.read_top(child)
    if problems:
        raise ContentError(problems)
    return tuple(sorted(sources, key=lambda source: source.content_key))


def _listing(folder: Path) -> list[Path]:
    """Return the visible entries of folder, sorted by name (file-system order varies)."""
    return sorted(child for child in folder.iterdir() if not child.name.startswith("."))


@dataclass(slots=True)
class _Reader:
    content_root: Path
    site_path: Path
    sources: list[SourceFile]
    problems: list[Problem]

    def report(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(display_path(path, self.site_path), line, "", message))

    def read_top(self, child: Path) -> None:
        kind = KIND_FOLDERS.get(child.name)
        if child.is_dir() and kind:
            for entry in _listing(child):
                self.read_entry(entry, kind)
        elif child.is_dir():
            hint = did_you_mean(child.name, KIND_FOLDERS)
            folders = ", ".join(f"{name}/" for name in KIND_FOLDERS)
            self.report(child, 0, f"unknown content folder{hint}; use one of {folders}")
        else:
            self.report(
                child,
                0,
                "file outside the content folders; move it into news/, "
                "localities/, partnerships/, pages/ or regions/",
            )

    def read_entry(self, entry: Path, kind: str) -> None:
        if not self.is_inside(entry):
            return
        if entry.is_dir():
            self.read_bundle(entry, kind)
        elif entry.suffix == ".md":
            self.add(entry, kind, entry.stem, None, ())
        else:
            self.report(
                entry,
                0,
                "not a Markdown file: content files end in .md; files that "
                "belong to an item go into its bundle folder beside index.md",
            )

    def read_bundle(self, folder: Path, kind: str) -> None:
        index = folder / BUNDLE_INDEX
        if not index.is_file():
            self.report(
                folder,
                0,
                f"bundle folder without {BUNDLE_INDEX}: add {BUNDLE_INDEX} "
                "with the item's front matter and text",
            )
            return
        files = tuple(
            sorted(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.is_file()
                and path != index
                and self.is_inside(path)
                and not any(part.startswith(".") for part in path.relative_to(folder).parts)
            )
        )
        self.add(index, kind, folder.name, folder, files)

    def is_inside(self, path: Path) -> bool:
        if path.resolve().is_relative_to(self.content_root):
            return True
        self.report(
            path,
            0,
            "links to a place outside the content folder; copy the file in "
            "instead of linking to it",
        )
        return False

    def add(
        self, path: Path, kind: str, name: str, bundle: Path | None, files: tuple[str, ...]
    ) -> None:
        text = self.decode(path)
        if text is None:
            return
        key = path.resolve().relative_to(self.content_root).as_posix()
        rel_path = display_path(path, self.site_path)
        self.sources.append(SourceFile(rel_path, kind, name, text, bundle, files, key))

    def decode(self, path: Path) -> str | None:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            byte = raw[error.start]
            self.report(
                path,
                line,
                f"the file is not UTF-8 text (byte 0x{byte:02X}); save it with the UTF-8 encoding",
            )
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")
