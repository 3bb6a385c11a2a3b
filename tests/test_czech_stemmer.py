"""The Czech stemmer as a small script (static/js/czech-stem.js) in Chromium.

It is to replace the WebAssembly build of the same Snowball algorithm on the search
page, so it must give the same stems: on every word of the sample content and of the
benchmark corpus, on those words with each ending the algorithm knows, and on the
queries of the search tests once czech-query.js has made them into Pagefind queries.
The vendored files must also be the ones `make vendor-stemmer-js` pins.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import REPO
from tests.test_search import PREPARED, QUERIES
from tests.test_search_shards import serve

pytestmark = pytest.mark.browser

STATIC = REPO / "static"
VENDORED = STATIC / "js/vendor/snowball-czech"
LARGEST_SCRIPT = 32_000
"""Bytes the stemmer may weigh in all (its module, Snowball's runtime, our wrapper): the
search page is to weigh at most 150 KB before the reader types (issue 24)."""
KNOWN_STEMS = {
    "chebu": "cheb",
    "memoranda": "memorand",
    "žluticích": "žlutik",
    "smržovce": "smržovc",
    "mostě": "most",
    "hodonínem": "hodonín",
    "ministerstvem": "ministerstv",
    "lokalitách": "lokalit",
    "agentuře": "agentuř",
    "pracovníkům": "pracovník",
    "cheb": "cheb",
}
"""Stems of Snowball's Czech algorithm, as its authors' rules give them: case endings go,
a consonant softened before -e or -i is hardened ("žluticích" → "žlutik")."""
COMPARE = """
async (words) => {
  const { stem } = await import("/js/czech-stem.js");
  const wasm = await import("/js/vendor/multilingual-stemmer/index.js");
  await wasm.default();
  const czech = new wasm.Stemmer(wasm.Languages.Czech);
  const pairs = words.map((word) => [word, czech.stem(word), stem(word)]);
  return {
    differences: pairs.filter(([, before, after]) => before !== after),
    changed: pairs.filter(([word, , after]) => after !== word).length,
  };
}
"""
STEM = """
async (words) => {
  const { stem } = await import("/js/czech-stem.js");
  return words.map(stem);
}
"""
PREPARE_BOTH = """
async (queries) => {
  const { prepareQuery } = await import("/js/czech-query.js");
  const { stem } = await import("/js/czech-stem.js");
  const wasm = await import("/js/vendor/multilingual-stemmer/index.js");
  await wasm.default();
  const czech = new wasm.Stemmer(wasm.Languages.Czech);
  return queries.map((query) => [
    query,
    prepareQuery(query, (word) => czech.stem(word)),
    prepareQuery(query, stem),
  ]);
}
"""


@dataclass(frozen=True)
class Comparison:
    """What the two stemmers gave for a list of words."""

    differences: list[tuple[str, str, str]]
    """(word, WebAssembly's stem, the script's stem) wherever they differ."""
    changed: int
    """How many words the script's stemmer shortened or changed."""


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    """Serve static/ as the built site serves it, under its own origin."""
    server, address = serve(STATIC)
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser, address: str) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{address}/")
    yield page
    context.close()


def words_of(text: str) -> set[str]:
    """Return the lower-case words of text, as czech-query.js hands them to the stemmer."""
    return {word.lower() for word in re.findall(r"[^\W\d_]+", text)}


def sample_words() -> set[str]:
    """Return every word of the sample content and of the benchmark corpus' vocabulary."""
    words = words_of((REPO / "bench/corpus.py").read_text("utf-8"))
    for path in sorted((REPO / "content").rglob("*.md")):
        words |= words_of(path.read_text("utf-8"))
    return words


def endings() -> set[str]:
    """Return the endings the Czech algorithm looks for (its `among` tables)."""
    source = (VENDORED / "czech-stemmer.js").read_text("utf-8")
    quoted = re.findall(r'^\s*\["((?:[^"\\]|\\u[0-9A-Fa-f]{4})*)",', source, re.MULTILINE)
    return {unescaped(text) for text in quoted}


def unescaped(text: str) -> str:
    """Return a JavaScript string literal's text with its \\uXXXX escapes decoded."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda code: chr(int(code[1], 16)), text)


def inflected(words: set[str]) -> list[str]:
    """Return words with each ending of the algorithm put after them and after them
    without their last letter ("agentura" → "agenturách", "agenturám", ...)."""
    suffixes = endings()
    bases = {base for word in words for base in (word, word[:-1]) if base}
    forms = {base + suffix for base in bases for suffix in suffixes}
    return sorted(forms | words)


def without_diacritics(word: str) -> str:
    """Return word as a reader types it without diacritics ("žluticích" → "zluticich")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def compare(page: Page, words: list[str]) -> Comparison:
    result = page.evaluate(COMPARE, words)
    differences = [(word, before, after) for word, before, after in result["differences"]]
    return Comparison(differences=differences, changed=result["changed"])


def test_the_algorithm_has_its_endings() -> None:
    assert {"ech", "ích", "ům", "ami", "ovi", "em", "ou"} <= endings()
    assert len(endings()) > 80


def test_known_words_have_their_snowball_stems(page: Page) -> None:
    stems = page.evaluate(STEM, list(KNOWN_STEMS))
    assert dict(zip(KNOWN_STEMS, stems, strict=True)) == KNOWN_STEMS


def test_every_word_of_the_sample_content_has_the_webassembly_stem(page: Page) -> None:
    words = sorted(sample_words())
    comparison = compare(page, words)
    assert comparison.differences == []
    assert len(words) > 900
    assert comparison.changed > len(words) // 2


def test_every_inflected_form_has_the_webassembly_stem(page: Page) -> None:
    words = inflected(sample_words())
    comparison = compare(page, words)
    assert comparison.differences == []
    assert len(words) > 100_000
    assert comparison.changed > len(words) // 2


def test_the_search_queries_are_the_same_with_either_stemmer(page: Page) -> None:
    queries = [query for query, _page, _within in QUERIES] + list(PREPARED)
    words = sample_words()
    queries += sorted(words | {without_diacritics(word) for word in words})
    prepared = page.evaluate(PREPARE_BOTH, queries)
    assert [(query, before) for query, before, after in prepared if before != after] == []
    assert len(prepared) == len(queries)


def test_the_vendored_files_are_the_ones_the_makefile_pins() -> None:
    makefile = (REPO / "Makefile").read_text("utf-8")
    pinned = {name: digest for digest, name in re.findall(r"\b([0-9a-f]{64}) +(\S+)", makefile)}
    vendored = {path.name: sha256(path) for path in VENDORED.iterdir()}
    assert vendored == pinned
    generated = (VENDORED / "czech-stemmer.js").read_text("utf-8")
    assert generated.startswith("// Generated from czech.sbl by Snowball 3.1.1")


def test_the_stemmer_is_small() -> None:
    scripts = [*VENDORED.glob("*.js"), STATIC / "js/czech-stem.js"]
    assert sum(path.stat().st_size for path in scripts) < LARGEST_SCRIPT


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
