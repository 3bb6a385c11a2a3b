"""A build cache restored on another machine is used, and never trusted (issue 20, item 4).

The publishing workflows restore `.sitegen-cache` on a fresh runner: another home folder
(so no user key), no output folder, and files checked out anew (other stats). The
entries, bodies, images and search shards in the cache are used there, the output is
the same bytes, and a cache that someone poisoned never puts a script on the site and
never runs code.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import jinja2
import pytest
from PIL import Image as PILImage

from sitegen.base.cache import digest
from sitegen.base.errors import UsageError
from sitegen.base.options import CACHE_FOLDER, BuildOptions
from sitegen.content import frontmatter
from sitegen.engine import indexer, make, shardcache
from sitegen.engine.pipeline import build
from sitegen.engine.shardcache import SPARE, ShardCache
from sitegen.link import images, markup
from sitegen.plan.routes import Route
from sitegen.render import templates
from sitegen.render.search import index_pages
from tests.conftest import make_site, options_for
from tests.test_golden import tree

POISON = '<script>alert("cache")</script><img src="x" onerror="alert(1)">'


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "steelblue").save(buffer, "JPEG")
    return buffer.getvalue()


def news(day: int, text: str, photo: str = "") -> str:
    image = f"image: {photo}\nimage_alt: Lidé u stolu\n" if photo else ""
    return f"---\ntitle: Zpráva {day}\ndate: 2024-01-{day:02}\n{image}---\n{text}\n"


def travel_site(root: Path, *, search: bool) -> BuildOptions:
    site = make_site(
        root / "site",
        {
            "content/news/2024-01-10-foto/index.md": news(10, "Jednání v Žluticích.", "foto.jpg"),
            "content/news/2024-01-10-foto/foto.jpg": jpeg(900, 600),
            "content/news/2024-01-11-druha.md": news(
                11, "Druhá zpráva s [odkazem](2024-01-12-treti.md)."
            ),
            "content/news/2024-01-12-treti.md": news(12, "Třetí zpráva, *zvýrazněná*."),
        },
    )
    return dataclasses.replace(options_for(site), search=search, jobs=1)


class Work:
    """What a build did itself instead of taking it from the cache."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.markdown: list[str] = []
        self.yaml: list[str] = []
        self.images: list[str] = []
        self.pagefind: list[str] = []
        self._count(monkeypatch, markup.Renderer, "render", self.markdown)
        self._count(monkeypatch, frontmatter, "parse_yaml_mapping", self.yaml)
        self._count(monkeypatch, images, "make_images", self.images)
        self._count(monkeypatch, indexer, "index_pages", self.pagefind)

    @staticmethod
    def _count(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, calls: list[str]) -> None:
        real = getattr(owner, name)

        def counting(*args: object, **kwargs: object) -> object:
            calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)

    def clear(self) -> None:
        for calls in (self.markdown, self.yaml, self.images, self.pagefind):
            calls.clear()


def on_a_fresh_runner(options: BuildOptions, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this process look like a new CI runner that restored the site's cache."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    shutil.rmtree(options.output_path)
    for name in ("content", "templates"):  # checked out anew: other inodes and times
        folder = options.site_path / name
        shutil.copytree(folder, folder.with_name(f"{name}.new"))
        shutil.rmtree(folder)
        folder.with_name(f"{name}.new").rename(folder)
    make._ENVIRONMENTS.clear()  # a new process compiles its templates anew


def poison(site: Path, kind: str, value: bytes) -> int:
    """Replace every cache entry of kind with value (under a correct checksum)."""
    folder = site / CACHE_FOLDER
    count = 0
    for path in (folder / "cache.sqlite", folder / "images" / "cache.sqlite"):
        database = sqlite3.connect(path)
        with database:
            count += database.execute(
                "update entries set value = ?, checksum = ? where kind = ?",
                (value, digest(value), kind),
            ).rowcount
        database.close()
    return count


def poison_bodies(site: Path) -> int:
    database = sqlite3.connect(site / CACHE_FOLDER / "cache.sqlite")
    rows = database.execute("select key, value from entries where kind = 'body'").fetchall()
    with database:
        for key, value in rows:
            body = json.loads(value)
            body["html"] = POISON + body["html"]
            data = json.dumps(body).encode()
            database.execute(
                "update entries set value = ?, checksum = ? where kind = 'body' and key = ?",
                (data, digest(data), key),
            )
    database.close()
    return len(rows)


class _Planted:
    """Unpickling this object would create a file: the mark of code run from the cache."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[Path, str]]:
        return (Path.write_text, (Path(self.path), "x"))


def test_a_fresh_runner_takes_entries_bodies_and_images_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = travel_site(tmp_path, search=False)
    work = Work(monkeypatch)
    build(options)
    assert work.markdown and work.yaml and work.images  # a cold build makes them all
    cold = tree(options.output_path)
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    work.clear()
    build(options)
    assert (work.markdown, work.yaml, work.images) == ([], [], [])
    assert tree(options.output_path) == cold


def test_a_poisoned_cache_never_puts_a_script_on_the_site_nor_runs_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = travel_site(tmp_path, search=False)
    build(options)
    cold = tree(options.output_path)
    marker = tmp_path / "spusteno"
    planted = pickle.dumps(_Planted(str(marker)))
    site = options.site_path
    assert poison_bodies(site) == 4  # three news items and the accessibility statement
    assert poison(site, "entry", planted) and poison(site, "front", b'{"data": [')
    assert poison(site, "variant", b"<html><script>alert(1)</script>") == 6
    assert poison(site, "original", planted) == 1
    for compiled in (site / CACHE_FOLDER / "templates").iterdir():
        compiled.write_bytes(bytes(32) + planted)
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    work = Work(monkeypatch)
    build(options)
    assert not marker.exists()
    assert work.markdown == []  # the poisoned bodies were taken, and sanitised on the way
    assert work.yaml and work.images  # garbage is no entry, and a planted file no image
    for path, data in tree(options.output_path).items():
        assert b"<script>alert" not in data and b"onerror" not in data, path
    assert "Druhá" in (options.output_path / "aktuality/druha/index.html").read_text()
    images_out = {path: data for path, data in cold.items() if path.endswith((".jpg", ".webp"))}
    assert len(images_out) == 7
    assert all(
        (options.output_path / path).read_bytes() == data for path, data in images_out.items()
    )


def test_a_fresh_runner_takes_the_search_shards_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = travel_site(tmp_path, search=True)
    work = Work(monkeypatch)
    build(options)
    assert work.pagefind
    first = tree(options.output_path)
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    work.clear()
    build(options)
    assert work.pagefind == []
    assert tree(options.output_path) == first  # the very bundles of the first build


# The shard cache itself -------------------------------------------------------------

FINGERPRINT = "a" * 64


@pytest.fixture
def bundle(tmp_path: Path) -> dict[str, Path]:
    """Return the files of a Pagefind bundle of two pages with a filter."""
    pages = tmp_path / "pages"
    for name, region in (("a", "Karlovarský kraj"), ("b", "Plzeňský kraj")):
        (pages / name).mkdir(parents=True)
        (pages / name / "index.html").write_text(
            f'<html lang="cs"><body data-pagefind-body><h1>Stránka {name}</h1>'
            f'<p data-pagefind-filter="Kraj">{region}</p><p>Žlutice a Kadaň.</p></body></html>'
        )
    files = index_pages(pages, tmp_path / "bundle", "cs")
    return {rel: tmp_path / "bundle" / rel for rel in files}


def test_a_kept_bundle_comes_back_byte_for_byte(tmp_path: Path, bundle: dict[str, Path]) -> None:
    cache = ShardCache(tmp_path / "search", "cs")
    assert cache.get(FINGERPRINT) is None
    cache.put(FINGERPRINT, bundle)
    again = ShardCache(tmp_path / "search", "cs").get(FINGERPRINT)
    assert again == {rel: path.read_bytes() for rel, path in bundle.items()}
    assert ShardCache(None, "cs").get(FINGERPRINT) is None


def test_pagefinds_code_never_comes_from_the_cache(tmp_path: Path, bundle: dict[str, Path]) -> None:
    folder = tmp_path / "search"
    ShardCache(folder, "cs").put(FINGERPRINT, bundle)
    manifest = json.loads((folder / "shards" / f"{FINGERPRINT}.json").read_text())
    assert "pagefind.js" not in manifest["files"]  # not even kept
    script = b"alert(1)"
    sha = digest_of(script)
    (folder / "objects" / sha[:2]).mkdir(exist_ok=True)
    (folder / "objects" / sha[:2] / sha).write_bytes(script)
    manifest["files"]["pagefind.js"] = sha
    (folder / "shards" / f"{FINGERPRINT}.json").write_text(json.dumps(manifest))
    assert ShardCache(folder, "cs").get(FINGERPRINT) is None


def test_a_damaged_or_poisoned_bundle_is_not_taken(tmp_path: Path, bundle: dict[str, Path]) -> None:
    folder = tmp_path / "search"
    ShardCache(folder, "cs").put(FINGERPRINT, bundle)
    manifest_path = folder / "shards" / f"{FINGERPRINT}.json"
    manifest = json.loads(manifest_path.read_text())

    def kept(name: str) -> Path:
        sha = str(manifest["files"][name])
        return folder / "objects" / sha[:2] / sha

    fragment = next(name for name in manifest["files"] if name.startswith("fragment/"))
    data = kept(fragment).read_bytes()
    kept(fragment).write_bytes(data[:-1])  # cut short: not the bytes its digest names
    assert ShardCache(folder, "cs").get(FINGERPRINT) is None
    kept(fragment).write_bytes(data)
    assert ShardCache(folder, "cs").get(FINGERPRINT) is not None

    # A filter whose value is markup (Pagefind's interface shows it as HTML).
    name = next(name for name in manifest["files"] if name.startswith("filter/"))
    text = gzip.decompress(kept(name).read_bytes())
    poisoned = gzip.compress(text.replace("Karlovarský kraj".encode(), b"<img src=x onerror=1>"))
    assert poisoned != gzip.compress(text)
    sha = digest_of(poisoned)
    (folder / "objects" / sha[:2]).mkdir(exist_ok=True)
    (folder / "objects" / sha[:2] / sha).write_bytes(poisoned)
    manifest_path.write_text(json.dumps({"files": {**manifest["files"], name: sha}}))
    assert ShardCache(folder, "cs").get(FINGERPRINT) is None

    # An entry file of another Pagefind, and a manifest that is not one.
    entry = json.loads(kept("pagefind-entry.json").read_text())
    for bad in ({**entry, "version": "0.0.1"}, "[]"):
        data = json.dumps(bad).encode()
        sha = digest_of(data)
        (folder / "objects" / sha[:2]).mkdir(exist_ok=True)
        (folder / "objects" / sha[:2] / sha).write_bytes(data)
        manifest_path.write_text(
            json.dumps({"files": {**manifest["files"], "pagefind-entry.json": sha}})
        )
        assert ShardCache(folder, "cs").get(FINGERPRINT) is None
    for garbage in ("{", '{"files": {"../../index.html": "%s"}}' % ("0" * 64)):
        manifest_path.write_text(garbage)
        assert ShardCache(folder, "cs").get(FINGERPRINT) is None


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_shard_cache_keeps_what_builds_use_and_a_few_more(
    tmp_path: Path, bundle: dict[str, Path]
) -> None:
    folder = tmp_path / "search"
    old = ShardCache(folder, "cs")
    for number in range(SPARE + 3):
        old.put(f"{number:064x}", bundle)
    current = ShardCache(folder, "cs")
    assert current.get(f"{0:064x}") is not None
    current.prune()
    kept = {path.stem for path in (folder / "shards").glob("*.json")}
    assert len(kept) == SPARE + 1 and f"{0:064x}" in kept
    for path in (folder / "shards").glob("*.json"):
        path.unlink()
    ShardCache(folder, "cs").prune()
    assert list((folder / "objects").glob("*/*")) == []  # no bundle names them


def test_pagefinds_own_files_are_made_once_per_process() -> None:
    assert shardcache.pagefind_code("cs") is shardcache.pagefind_code("cs")


KEY = "0123456789abcdef0123456789abcdef-ci-secret"


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the pages rendered from their templates (not taken from the page cache)."""
    paths: list[str] = []
    real = templates.render_page

    def counting(env: jinja2.Environment, route: Route) -> bytes:
        paths.append(route.template)
        return real(env, route)

    monkeypatch.setattr(make, "render_page", counting)
    return paths


def page_objects(options: BuildOptions) -> list[Path]:
    return sorted((options.site_path / CACHE_FOLDER / "pages" / "objects").glob("*/*"))


def test_a_fresh_runner_with_the_cache_key_takes_the_pages_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_CACHE_KEY", KEY)
    options = travel_site(tmp_path, search=False)
    rendered = rendered_pages(monkeypatch)
    build(options)
    cold = tree(options.output_path)
    assert len(rendered) == len([path for path in cold if path.endswith(".html")])
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    rendered.clear()
    report = build(options)
    assert rendered == []
    assert (report.pages_rendered, report.pages_taken) == (0, report.pages)
    assert tree(options.output_path) == cold

    edited = options.site_path / "content/news/2024-01-12-treti.md"  # an edit adds its pages
    edited.write_text(edited.read_text() + "\nDoplněná věta.\n")
    build(options)
    assert 0 < len(rendered) < report.pages
    after_edit = tree(options.output_path)
    on_a_fresh_runner(options, tmp_path / "runner2", monkeypatch)
    rendered.clear()
    build(options)
    assert rendered == []
    assert tree(options.output_path) == after_edit


def test_without_the_key_a_fresh_runner_renders_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This user's key signs the page cache when no key is given; another runner has none."""
    monkeypatch.delenv("SITEGEN_CACHE_KEY", raising=False)
    options = travel_site(tmp_path, search=False)
    build(options)
    assert page_objects(options)
    cold = tree(options.output_path)
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    rendered = rendered_pages(monkeypatch)
    build(options)
    assert len(rendered) == len([path for path in cold if path.endswith(".html")])
    assert tree(options.output_path) == cold


def test_pages_signed_with_another_key_or_changed_in_the_cache_are_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_CACHE_KEY", KEY)
    options = travel_site(tmp_path, search=False)
    build(options)
    cold = tree(options.output_path)
    pages = len([path for path in cold if path.endswith(".html")])
    objects = page_objects(options)
    for path in objects:  # planted: a script in every page kept, under its old name
        data = path.read_bytes().replace(b"</body>", POISON.encode() + b"</body>")
        path.unlink()
        path.write_bytes(data)
    on_a_fresh_runner(options, tmp_path / "runner", monkeypatch)
    rendered = rendered_pages(monkeypatch)
    build(options)
    assert len(rendered) == pages
    assert tree(options.output_path) == cold

    manifest = options.site_path / CACHE_FOLDER / "pages" / "manifest.txt"
    lines = manifest.read_text().splitlines()
    assert len(lines) == pages
    planted = page_objects(options)[0]
    planted.write_bytes(POISON.encode())
    poisoned = digest(POISON.encode())
    planted.rename(planted.with_name(poisoned))
    forged = []
    for line in lines:  # every page is the planted one, under the signature of its own
        fingerprint, _sha, signature = line.split()
        forged.append(f"{fingerprint} {poisoned} {signature}\n")
    manifest.write_text("".join(forged))
    on_a_fresh_runner(options, tmp_path / "runner2", monkeypatch)
    rendered.clear()
    build(options)
    assert len(rendered) == pages  # the lines' signatures no longer fit them
    for name, data in tree(options.output_path).items():
        assert b"<script>alert" not in data, name

    monkeypatch.setenv("SITEGEN_CACHE_KEY", KEY.upper())
    on_a_fresh_runner(options, tmp_path / "runner3", monkeypatch)
    rendered.clear()
    build(options)
    assert len(rendered) == pages  # signed with another key
    assert tree(options.output_path) == cold


def test_a_cache_key_too_short_to_be_a_secret_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = travel_site(tmp_path, search=False)
    monkeypatch.setenv("SITEGEN_CACHE_KEY", "heslo")
    with pytest.raises(UsageError, match="SITEGEN_CACHE_KEY has 5 characters"):
        build(options)
    assert not options.output_path.exists()
