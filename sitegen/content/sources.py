"""Stage 1: walk content/ and return its source files; the only module that reads content.

Input: the content folder. Output: SourceFile values (text already decoded) and the
problems found on the way (files that are not UTF-8, stray files, unknown folders).

Only regular files are opened: the type of every entry is taken with stat() first, so a
named pipe or a device in content/ is reported, never read, and a symbolic link that
loops or leads outside content/ is reported, never followed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.base.checked import NOT_CHECKED, CheckedFiles
from sitegen.base.config import Limits
from sitegen.base.errors import ContentError, Problem, did_you_mean
from sitegen.base.filetypes import file_problem
from sitegen.base.i18n import _
from sitegen.base.reading import FileRefused, read_regular, special_file_problem, stat_problem
from sitegen.base.text import decode_text, name_problem, printable_name
from sitegen.base.urls import CZECH
from sitegen.content.kinds import Kind, folder_names, kind_in_folder

BUNDLE_INDEX = "index.md"
TRANSLATION_LANGUAGES = ("en",)
"""The languages a content file may be translated into: X.en.md beside X.md, and a
bundle's index.en.md beside its index.md."""

DEFAULT_LIMITS = Limits()
"""The limits of a site.yaml without a `limits:` section."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file, read and decoded."""

    rel_path: str
    """Path shown in messages, relative to the site root (POSIX), e.g. content/news/x.md."""
    kind: Kind
    """The kind of its folder (content/kinds.py)."""
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
    signature: str = ""
    """Digest of the stat of the file and of its bundle's files: changes with any of them."""
    is_reused: bool = False
    """Not read: unchanged since the build that parsed it (text is then empty)."""
    language: str | None = None
    """The language of a translation (X.en.md, index.en.md: "en"); None for an original,
    which is in the site's language. A translation's name is its original's."""

    @property
    def original_key(self) -> str:
        """Return the content key of the original of a translation (its own for an original)."""
        if self.language is None:
            return self.content_key
        return self.content_key.removesuffix(f".{self.language}.md") + ".md"


def translation_of(file_name: str) -> tuple[str, str | None]:
    """Return the stem of a Markdown file's original and the language of the file:
    ("o-agenture", "en") for o-agenture.en.md, ("kontakty", None) for kontakty.md."""
    stem = file_name.removesuffix(".md")
    for language in TRANSLATION_LANGUAGES:
        if stem.endswith(f".{language}"):
            return stem.removesuffix(f".{language}"), language
    return stem, None


_LANGUAGE_SUFFIX = re.compile(r"(?P<stem>.+)\.(?P<language>[a-z]{2})\.md")
"""A file name that reads as a translation (X.de.md), into any language."""


def language_problem(file_name: str) -> str | None:
    """Return why a Markdown file's name cannot be a translation's, for a name that reads
    as one: a translation of a translation (X.en.en.md), one into Czech (X.cs.md: the
    original is X.md), or one into a language sitegen does not make (X.de.md); None
    otherwise."""
    match = _LANGUAGE_SUFFIX.fullmatch(file_name)
    if match is None:
        return None
    stem, language = match["stem"], match["language"]
    original = stem
    while (inner := _LANGUAGE_SUFFIX.fullmatch(f"{original}.md")) is not None:
        original = inner["stem"]
    if language in TRANSLATION_LANGUAGES and original != stem:
        return _(
            "a translation of a translation: only a Czech original has translations; "
            "name the file {name}"
        ).format(name=f"{original}.{language}.md")
    if language == CZECH:
        return _(
            "a Czech text is the original, named without a language: name the file {name}"
        ).format(name=f"{original}.md")
    if language not in TRANSLATION_LANGUAGES:
        return _(
            "a translation into '{language}': pages are translated into English only; "
            "name an English translation {name}, and put another language's text elsewhere"
        ).format(language=language, name=f"{original}.en.md")
    return None


def translation_index(language: str) -> str:
    """Return the file name of a bundle's translation into language: index.en.md."""
    return f"index.{language}.md"


def orphan_message(original: str) -> str:
    """Return the problem of a translation whose original (its path) does not exist."""
    return _(
        "a translation without its original: {original} does not exist; write the Czech "
        "original there first, or remove this translation"
    ).format(original=original)


Reuse = Callable[[str, str], bool]
"""reuse(content_key, signature): True when the entry parsed before is still good."""


def display_path(path: Path, root: Path) -> str:
    """Return path relative to root when inside it (POSIX), else as given.

    The folders are resolved but not the last name: a symbolic link is shown as the
    name it has in the folder, and one that loops is shown at all.
    """
    located = path.parent.resolve() / path.name
    try:
        return printable_name(located.relative_to(root.resolve()).as_posix())
    except ValueError:
        return printable_name(path.as_posix())


def read_sources(
    content_path: Path,
    site_path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    reuse: Reuse | None = None,
    checked: CheckedFiles = NOT_CHECKED,
) -> tuple[SourceFile, ...]:
    """Read every content file under content_path, sorted by path.

    limits (site.yaml's `limits:`) caps the size of content files and bundle files;
    checked remembers the bundle files whose content passed before.

    Raises:
        ContentError: with every problem found, when any file cannot be used.
    """
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    reader = _Reader(content_path.resolve(), site_path, limits, sources, problems, reuse, checked)
    for child, mode in reader.entries(content_path):
        reader.read_top(child, mode)
    checked.save()
    if problems:
        raise ContentError(problems)
    return tuple(sorted(sources, key=lambda source: source.content_key))


def read_one(
    content_path: Path,
    site_path: Path,
    path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    checked: CheckedFiles = NOT_CHECKED,
) -> SourceFile | None:
    """Read the one item whose Markdown file is path, as read_sources would read it.

    Returns None when path is not an item's Markdown file (a bundle's other file, say).

    Raises:
        ContentError: when the file cannot be used.
    """
    try:
        parts = path.relative_to(content_path).parts
    except ValueError:
        return None
    kind = kind_in_folder(parts[0]) if parts else None
    if parts and translation_of(parts[-1])[1] is not None:
        return None  # a translation is read with its original, by read_sources
    single = len(parts) == 2 and parts[1].endswith(".md")
    bundle = len(parts) == 3 and parts[2] == BUNDLE_INDEX
    if kind is None or not (single or bundle):
        return None
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    reader = _Reader(content_path.resolve(), site_path, limits, sources, problems, checked=checked)
    target = path.parent if bundle else path
    mode = reader.mode_of(target)
    if mode is not None:
        reader.read_entry(target, mode, kind)
    checked.save()
    if problems:
        raise ContentError(problems)
    return sources[0] if sources else None


@dataclass(slots=True)
class _Reader:
    content_root: Path
    site_path: Path
    limits: Limits
    sources: list[SourceFile]
    problems: list[Problem]
    reuse: Reuse | None = None
    checked: CheckedFiles = NOT_CHECKED
    folders: dict[Path, Path] = field(default_factory=dict)
    """Folder → the folder resolved: resolving every file's path costs a system call
    per path component, which dominated reading a large site."""

    def report(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.shown(path), line, "", message))

    def located(self, path: Path) -> Path:
        """Return path with its folders resolved (not its last name, which may be a link)."""
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = path.parent.resolve()
        return folder / path.name

    def shown(self, path: Path) -> str:
        """Return path as messages show it: relative to the site root (see display_path)."""
        root = self.folders.get(self.site_path)
        if root is None:
            root = self.folders[self.site_path] = self.site_path.resolve()
        try:
            return printable_name(self.located(path).relative_to(root).as_posix())
        except ValueError:
            return printable_name(path.as_posix())

    def entries(self, folder: Path) -> list[tuple[Path, int]]:
        """Return the visible entries of folder that are regular files or folders inside
        the content folder, with their st_mode, sorted by name (file-system order varies);
        report the others."""
        try:
            with os.scandir(folder) as scan:
                names = sorted(entry.name for entry in scan if not entry.name.startswith("."))
        except OSError as error:
            self.report(folder, 0, stat_problem(error))
            return []
        found = []
        for name in names:
            mode = self.mode_of(folder / name)
            if mode is not None:
                found.append((folder / name, mode))
        return found

    def mode_of(self, path: Path) -> int | None:
        """Return the st_mode of path (after its symbolic link), or None after reporting
        why it cannot be used."""
        problem = name_problem(path.name)
        try:
            mode = path.stat().st_mode
        except OSError as error:  # a link that loops or leads nowhere, no permission
            problem = problem or stat_problem(error)
            mode = 0
        problem = problem or special_file_problem(mode)
        if problem is not None:
            self.report(path, 0, problem)
            return None
        return mode if self.is_inside(path) else None

    def read_top(self, child: Path, mode: int) -> None:
        kind = kind_in_folder(child.name)
        if stat.S_ISDIR(mode) and kind is not None:
            for entry, entry_mode in self.entries(child):
                self.read_entry(entry, entry_mode, kind)
        elif stat.S_ISDIR(mode):
            hint = did_you_mean(child.name, folder_names())
            folders = ", ".join(f"{name}/" for name in folder_names())
            message = _("unknown content folder{hint}; use one of {folders}")
            self.report(child, 0, message.format(hint=hint, folders=folders))
        else:
            self.report(
                child,
                0,
                _(
                    "file outside the content folders; move it into news/, "
                    "localities/, partnerships/, pages/ or regions/"
                ),
            )

    def read_entry(self, entry: Path, mode: int, kind: Kind) -> None:
        if stat.S_ISDIR(mode):
            self.read_bundle(entry, kind)
        elif entry.suffix == ".md":
            name, language = translation_of(entry.name)
            original = entry.with_name(f"{name}.md")
            problem = language_problem(entry.name)
            if problem is not None:
                self.report(entry, 0, problem)
            elif language is not None and not os.path.lexists(original):
                self.report(entry, 0, orphan_message(self.shown(original)))
            else:
                self.add(entry, kind, name, None, (), language)
        else:
            self.report(
                entry,
                0,
                _(
                    "not a Markdown file: content files end in .md; files that "
                    "belong to an item go into its bundle folder beside index.md"
                ),
            )

    def read_bundle(self, folder: Path, kind: Kind) -> None:
        index = folder / BUNDLE_INDEX
        translations = [
            (folder / translation_index(language), language)
            for language in TRANSLATION_LANGUAGES
            if os.path.lexists(folder / translation_index(language))
        ]
        if not os.path.lexists(index) and translations:
            for path, _language in translations:
                self.report(path, 0, orphan_message(self.shown(index)))
            return
        if not os.path.lexists(index):
            self.report(
                folder,
                0,
                _(
                    "bundle folder without {index}: add {index} with the item's front "
                    "matter and text"
                ).format(index=BUNDLE_INDEX),
            )
            return
        files = self.bundle_files(folder)
        self.add(index, kind, folder.name, folder, files)
        for path, language in translations:
            self.add(path, kind, folder.name, folder, files, language)

    def bundle_files(self, folder: Path) -> tuple[str, ...]:
        """Return the publishable files of a bundle besides index.md; report the others.

        The walk uses a stack, not recursion, and enters only real folders, so neither
        deep nor linked folders can make it run without end.
        """
        files: list[str] = []
        stack = [folder]
        while stack:
            current = stack.pop()
            for path, mode in self.entries(current):
                if stat.S_ISDIR(mode):
                    self.enter(path, stack)
                elif path.parent != folder or not _is_item_text(path.name):
                    self.add_bundle_file(path, folder, files)
        return tuple(sorted(files))

    def enter(self, path: Path, stack: list[Path]) -> None:
        if path.is_symlink():
            self.report(
                path,
                0,
                _("a link to a folder is not followed inside a bundle; copy the folder in instead"),
            )
        else:
            stack.append(path)

    def add_bundle_file(self, path: Path, folder: Path, files: list[str]) -> None:
        problem = file_problem(path, max_bytes=self.limits.attachment_bytes, checked=self.checked)
        if problem is not None:
            self.report(path, 0, problem)
        else:
            files.append(path.relative_to(folder).as_posix())

    def is_inside(self, path: Path) -> bool:
        located = self.located(path)
        target = path.resolve() if located.is_symlink() else located
        if target.is_relative_to(self.content_root):
            return True
        self.report(
            path,
            0,
            _(
                "links to a place outside the content folder; copy the file in "
                "instead of linking to it"
            ),
        )
        return False

    def add(
        self,
        path: Path,
        kind: Kind,
        name: str,
        bundle: Path | None,
        files: tuple[str, ...],
        language: str | None = None,
    ) -> None:
        """Add the content file at path; a translation (language) is always read: it is
        paired with its original anew in every full build."""
        key = self.located(path).relative_to(self.content_root).as_posix()
        rel_path = self.shown(path)
        signature = _signature(path, bundle, files)
        reusable = self.reuse is not None and signature and language is None
        if reusable and self.reuse is not None and self.reuse(key, signature):
            source = SourceFile(rel_path, kind, name, "", bundle, files, key, signature, True)
            self.sources.append(source)
            return
        text = self.decode(path)
        if text is None:
            return
        self.sources.append(
            SourceFile(rel_path, kind, name, text, bundle, files, key, signature, False, language)
        )

    def decode(self, path: Path) -> str | None:
        too_large = _(
            "the file is larger than {size} KB; split the text into "
            "several items, or raise limits.markdown_kb in site.yaml"
        ).format(size=self.limits.markdown_kb)
        try:
            raw = read_regular(path, self.limits.markdown_bytes, too_large)
            return decode_text(raw, self.shown(path))
        except FileRefused as refused:
            self.report(path, 0, str(refused))
        except ContentError as error:
            self.problems.extend(error.problems)
        return None


def _is_item_text(name: str) -> bool:
    """Return True for the name of a bundle's own text: index.md or a translation of it."""
    return name == BUNDLE_INDEX or name in map(translation_index, TRANSLATION_LANGUAGES)


def _signature(path: Path, bundle: Path | None, files: tuple[str, ...]) -> str:
    """Return the stat of path and of the bundle's files as text ("" when one is gone).

    The mode is part of it: a file that lost its read permission must be read again,
    and refused, as a cold build refuses it.
    """
    parts = [(path.name, path), *((name, bundle / name) for name in files if bundle)]
    stats = []
    for name, part in parts:
        try:
            st = part.stat()
        except OSError:
            return ""
        stats.append(
            f"{name}:{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        )
    return "|".join(stats)
