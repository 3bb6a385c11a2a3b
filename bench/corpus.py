"""A synthetic Czech site for benchmarks: N news items, 300 localities, 40 partnerships.

Everything is drawn from a seeded random generator, so a given N always gives the same
corpus; items reference each other the way real content does.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from sitegen.base.regions import all_regions

REPO = Path(__file__).resolve().parent.parent
TOPICS = [
    "bydlení",
    "zaměstnanost",
    "vzdělávání",
    "sociální služby",
    "prevence kriminality",
    "dluhové poradenství",
    "rodina",
    "bezpečnost",
    "zdraví",
    "evropské fondy",
    "lokální partnerství",
    "memorandum",
]
PLACES = [
    "Praha",
    "Brno",
    "Ostrava",
    "Plzeň",
    "Liberec",
    "Ústí nad Labem",
    "Olomouc",
    "Žlutice",
    "Kolín",
    "Most",
]
WORDS = [
    "agentura",
    "obec",
    "město",
    "lokalita",
    "partnerství",
    "spolupráce",
    "projekt",
    "služba",
    "škola",
    "rodina",
    "bydlení",
    "práce",
    "úřad",
    "starosta",
    "komunita",
    "dluh",
    "prevence",
    "podpora",
    "plán",
    "strategie",
    "setkání",
    "zastupitelstvo",
    "pracovník",
    "poradna",
    "centrum",
    "nízkoprahový",
    "terénní",
]
LOCALITIES = 300
PARTNERSHIPS = 40


def sentence(rng: random.Random, length: int = 14) -> str:
    """Return a sentence of Czech words."""
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    """Return a paragraph of Czech sentences."""
    return " ".join(sentence(rng) for _ in range(sentences))


def write_corpus(root: Path, news_count: int, seed: int = 2017) -> Path:
    """Write the benchmark site under root and return root."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    for folder in ("news", "localities", "partnerships"):
        (content / folder).mkdir(parents=True)
    # The Czech pages only: the corpus measures the Czech site (tests/test_english.py the English).
    shutil.copytree(
        REPO / "content/pages", content / "pages", ignore=shutil.ignore_patterns("*.en.md")
    )
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    _write_localities(content / "localities", rng)
    _write_partnerships(content / "partnerships", rng)
    _write_news(content / "news", news_count, rng)
    return root


def _write_localities(folder: Path, rng: random.Random) -> None:
    regions = [region.id for region in all_regions()]
    for n in range(LOCALITIES):
        since = date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
        (folder / f"lokalita-{n}.md").write_text(
            f"---\ntitle: Lokalita {n}\nkind: {rng.choice(['město', 'obec', 'mikroregion'])}\n"
            f"region: {regions[n % len(regions)]}\npopulation: {rng.randrange(300, 90000)}\n"
            f"status: {rng.choice(['active', 'active', 'ended', 'planned'])}\n"
            f"cooperation_since: {since.isoformat()}\n"
            f"partnership: partnerstvi-{n % PARTNERSHIPS}\n"
            f"coordinates: [{rng.uniform(48.7, 50.9):.4f}, {rng.uniform(12.5, 18.5):.4f}]\n"
            f"---\n{paragraph(rng)}\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )


def _write_partnerships(folder: Path, rng: random.Random) -> None:
    for n in range(PARTNERSHIPS):
        localities = ", ".join(f"lokalita-{i}" for i in range(n, LOCALITIES, PARTNERSHIPS))
        members = "".join(
            f"  - name: Organizace {n}-{m}\n    roles: [ředitel, terénní pracovník]\n"
            for m in range(8)
        )
        (folder / f"partnerstvi-{n}.md").write_text(
            f"---\ntitle: Partnerství {n}\nlocalities: [{localities}]\nfounded: 2015-03-24\n"
            f"members:\n{members}---\n{paragraph(rng)}\n",
            encoding="utf-8",
        )


def _write_news(folder: Path, count: int, rng: random.Random) -> None:
    start = date(2008, 1, 23)
    for n in range(count):
        day = start + timedelta(days=n * 6800 // max(count, 1))
        localities = rng.sample(range(LOCALITIES), rng.randrange(0, 4))
        tags = rng.sample(TOPICS, rng.randrange(1, 4))
        link = (
            f"Více o [lokalitě](../localities/lokalita-{localities[0]}.md).\n\n"
            if localities
            else ""
        )
        (folder / f"{day.isoformat()}-zprava-{n}.md").write_text(
            f"---\ntitle: Zpráva číslo {n} o sociálním začleňování\n"
            f"date: {day.isoformat()}T{rng.randrange(7, 18):02d}:00\n"
            f"place: {rng.choice(PLACES)}\ntags: [{', '.join(tags)}]\n"
            f"localities: [{', '.join(f'lokalita-{i}' for i in localities)}]\n"
            f"---\n{paragraph(rng)}\n\n## Podrobnosti\n\n{paragraph(rng, 6)}\n\n{link}"
            f"- {sentence(rng, 6)}\n- {sentence(rng, 6)}\n\n„{sentence(rng)}“\n",
            encoding="utf-8",
        )
