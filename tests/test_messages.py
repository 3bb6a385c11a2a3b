"""What a press officer reads: Czech by default, plain words, every problem in one run."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.base.i18n import set_language
from sitegen.commands.cli import main
from sitegen.preview.pages import NO_SITE_NOTE, add_overlay, blank_page
from tests.conftest import LOCALITY, REPO, Run, make_site, sample_file

NBSP = "\u00a0"


def _news(front: str, body: str = "Text.") -> str:
    return f"---\n{front}\n---\n{body}\n"


def test_messages_are_czech_with_lang_cs_and_english_with_lang_en(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {"content/news/2020-01-01-a.md": _news("title: A\ndate: 2020-13-01")},
    )
    czech = run_cli("build", "--source", site, "--lang", "cs")
    assert czech.status == 1
    assert czech.err.splitlines() == [
        "content/news/2020-01-01-a.md:3: date: '2020-13-01' není datum (pište RRRR-MM-DD, "
        "např. 2017-10-20)",
        "Sestavení selhalo: 1 problém; nic nebylo zapsáno.",
    ]
    english = run_cli("build", "--source", site, "--lang", "en")
    assert english.err.splitlines()[-1] == "Build failed: 1 problem; nothing was written."


def test_a_czech_locale_gives_czech_and_lang_wins_over_it(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2020-01-01-a.md": _news("title: A")})
    monkeypatch.setenv("LANG", "cs_CZ.UTF-8")
    assert run_cli("build", "--source", site).err.endswith(
        "Sestavení selhalo: 1 problém; nic nebylo zapsáno.\n"
    )
    assert run_cli("build", "--source", site, "--lang", "en").err.endswith(
        "Build failed: 1 problem; nothing was written.\n"
    )


def test_mistakes_are_named_in_plain_words_all_in_one_run(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/localities/zlutice.md": LOCALITY,
            "content/news/2020-01-01-dvojtecka.md": _news(
                "title: Memorandum: kraj a agentura\ndate: 2020-01-01"
            ),
            "content/news/2020-01-02-tab.md": _news("title: Tab\ndate: 2020-01-02\n\tplace: Praha"),
            "content/news/2020-01-03-lokalita.md": _news(
                "title: L\ndate: 2020-01-03\nlocalities: [Žlutice]"
            ),
            "content/news/2020-01-04-preklep.md": _news(
                "title: P\ndate: 2020-01-04\nlocalities: [zlutce]"
            ),
        },
    )
    result = run_cli("build", "--source", site, "--lang", "cs")
    assert result.status == 1
    assert result.err.splitlines() == [
        "content/news/2020-01-01-dvojtecka.md:2: hodnota obsahuje ': ', což YAML čte jako "
        'další klíč; dejte hodnotu do uvozovek: title: "Memorandum: kraj a agentura"',
        f"content/news/2020-01-02-tab.md:4: tabulátor ve{NBSP}sloupci 1; YAML dovoluje jen "
        "mezery: nahraďte tabulátor mezerami",
        "content/news/2020-01-03-lokalita.md:4: localities[0]: 'Žlutice' není platný slug: "
        f"napište 'zlutice' (malá písmena bez diakritiky, číslice a{NBSP}jednotlivé pomlčky)",
        "content/news/2020-01-04-preklep.md:4: localities[0]: neznámá lokalita 'zlutce' "
        "(myslíte 'zlutice'?); lokality se píší názvem jejich souboru "
        f"v{NBSP}content/localities/",
        "Sestavení selhalo: 4 problémy; nic nebylo zapsáno.",
    ]


def test_a_link_by_address_to_nothing_fails_the_build_with_a_relative_suggestion(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/localities/zlutice.md": LOCALITY,
            "content/news/2020-01-01-svazek/index.md": _news(
                "title: S\ndate: 2020-01-01\nnational: true", "Viz [Žlutice](/lokality/zlutce/)."
            ),
            "content/news/2020-01-02-vyzva.md": _news(
                "title: V\ndate: 2020-01-02\nnational: true",
                "Text.\n\n[Výzva](/aktuality/vyzva-deset-obci/).",
            ),
        },
    )
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert result.problems == [
        "content/news/2020-01-01-svazek/index.md:6: link '/lokality/zlutce/': no page has "
        "the address /lokality/zlutce/; did you mean /lokality/zlutice/? Link to its file "
        "instead: ../../localities/zlutice.md",
        "content/news/2020-01-02-vyzva.md:8: link '/aktuality/vyzva-deset-obci/': no page "
        "has the address /aktuality/vyzva-deset-obci/; link to the item's .md file instead",
    ]
    assert not (site / "public").exists()


def test_a_build_lists_the_scheduled_items_it_left_out(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/news/2020-01-01-dnes.md": _news("title: D\ndate: 2020-01-01\nnational: true"),
            "content/news/2026-12-01-x.md": _news(
                "title: X\ndate: 2026-12-01T09:00\nnational: true"
            ),
        },
    )
    result = run_cli("build", "--source", site, "--lang", "cs")
    assert result.status == 0, result.err
    line = (
        "Naplánováno, zatím nezveřejněno: content/news/2026-12-01-x.md "
        f"(1.{NBSP}12.{NBSP}2026 9:00)"
    )
    assert f"varování: {line}" in result.err.splitlines()
    readme = (REPO / "README.md").read_text("utf-8")
    assert f"`{line.replace(NBSP, ' ')}`" in readme
    assert f"varování: {line.replace(NBSP, ' ')}" in readme
    assert not (site / "public" / "aktuality" / "x").exists()


def _readme_block(after: str) -> list[str]:
    """Return the lines of the first code block after the text after in the README."""
    text = (REPO / "README.md").read_text("utf-8")
    block = text[text.index(after) :].split("```\n", 2)[1]
    return block.splitlines()


def test_the_readme_shows_what_the_build_prints(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/localities/zlutice.md": LOCALITY,
            "content/news/2017-10-20-memorandum.md": _news(
                "title: Memorandum: kraj a agentura\ndate: 2017-10-20"
            ),
            "content/news/2017-10-21-tabulator.md": _news(
                "title: Tab\ndate: 2017-10-21\n\tplace: Praha"
            ),
            "content/news/2017-10-22-zlutice.md": _news(
                "title: Z\ndate: 2017-10-22\nlocalities: [Žlutice]"
            ),
            "content/news/2017-10-23-preklep.md": _news(
                "title: P\ndate: 2017-10-23\nlocalities: [zlutce]"
            ),
        },
    )
    result = run_cli("build", "--source", site, "--lang", "cs")
    shown = [line.replace(NBSP, " ") for line in result.err.splitlines()]
    assert shown == _readme_block("### Když je něco špatně")


def test_check_warns_of_a_broken_link_in_a_draft_and_the_build_succeeds(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/news/2020-01-01-a.md": _news("title: A\ndate: 2020-01-01\nnational: true"),
            "content/news/2020-01-02-koncept.md": _news(
                "title: K\ndate: 2020-01-02\nnational: true\ndraft: true",
                "Viz [zpráva](../news/2020-01-09-nic.md).",
            ),
        },
    )
    shutil.copytree(REPO / "static", site / "static")
    assert run_cli("build", "--source", site).status == 0
    result = run_cli("check", "--source", site, "--lang", "cs")
    assert result.status == 0, result.err
    assert (
        "varování: content/news/2020-01-02-koncept.md:7: odkaz '../news/2020-01-09-nic.md': "
        "content/news/2020-01-09-nic.md neexistuje (myslíte '2020-01-01-a.md'?) "
        "(jen varování, dokud je položka konceptem)"
    ) in result.err.splitlines()
    passed = result.out.strip().replace(NBSP, " ")
    assert re.fullmatch(
        r"Kontrola prošla: stránky \(\d+\), odkazy, kotvy, kanály i mapa webu jsou "
        r"v pořádku \(1 varování\)\.",
        passed,
    ), passed
    readme = (REPO / "README.md").read_text("utf-8").replace("\n   ", " ")
    assert re.sub(r"\(\d+\)", "(74)", passed).replace("(1 varování)", "(2 varování)") in readme


def test_the_preview_overlay_is_in_czech() -> None:
    set_language("cs")
    page = add_overlay(blank_page(), ["content/news/a.md:3: date: chyba"], NO_SITE_NOTE)
    parsed = _Texts()
    parsed.feed(page.decode())
    assert parsed.texts == [
        "Náhled webu",
        "Web se nepodařilo sestavit",
        f"Náhled zatím nejde sestavit. Opravte tyto chyby a{NBSP}soubor uložte; stránka se "
        "obnoví sama.",
        "content/news/a.md:3: date: chyba",
    ]
    assert parsed.languages == ["cs", "cs"]


class _Texts(HTMLParser):
    """The text nodes of a page and the lang attributes of its elements."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.languages: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.languages += [value or "" for name, value in attrs if name == "lang"]

    def handle_data(self, data: str) -> None:
        if data.strip() and "function()" not in data:
            self.texts.append(data)


def test_schema_reference_and_link_problems_come_in_one_run_sorted_by_file_and_line(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/localities/zlutice.md": LOCALITY,
            "content/news/2020-01-01-datum.md": _news("title: D\ndate: 2020-13-01"),
            "content/news/2020-01-02-odkazy.md": _news(
                "title: O\ndate: 2020-01-02\nlocalities: [zlutce]",
                "[Datum](2020-01-01-datum.md) a [nic](2020-01-09-nic.md).",
            ),
        },
    )
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert result.problems == [
        "content/news/2020-01-01-datum.md:3: date: '2020-13-01' is not a date (write "
        "YYYY-MM-DD, e.g. 2017-10-20)",
        "content/news/2020-01-02-odkazy.md:4: localities[0]: unknown locality 'zlutce' "
        "(did you mean 'zlutice'?); the slugs are the file names in content/localities/",
        "content/news/2020-01-02-odkazy.md:6: link '2020-01-09-nic.md': "
        "content/news/2020-01-09-nic.md does not exist (did you mean "
        "'2020-01-01-datum.md'?)",
    ]


def test_every_output_collision_is_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    png = sample_file("foto.png")
    files: dict[str, str | bytes] = {}
    for slug in ("a", "b"):
        files[f"content/news/2020-01-01-{slug}/index.md"] = _news(
            f"title: {slug}\ndate: 2020-01-01\nnational: true"
        )
        files[f"content/news/2020-01-01-{slug}/foto.png"] = png
        files[f"static/aktuality/{slug}/foto.png"] = png
    site = make_site(tmp_path / "site", files)
    result = run_cli("build", "--source", site)
    assert result.problems == [
        "static/aktuality/a/foto.png: would be written to /aktuality/a/foto.png, which "
        "content/news/2020-01-01-a/index.md already produces; rename one of them",
        "static/aktuality/b/foto.png: would be written to /aktuality/b/foto.png, which "
        "content/news/2020-01-01-b/index.md already produces; rename one of them",
    ]


def test_usage_error_lines(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, line in [
        (
            ["build", "--jobs", "x", "--lang", "cs"],
            "sitegen build: chyba: --jobs: 'x' není celé číslo; napište 0 (jeden na jádro) až 256",
        ),
        (["--lang=cs", "--bogus"], "sitegen: chyba: neznámé argumenty: --bogus"),
        (
            ["build", "--jobs", "x", "--lang", "en"],
            "sitegen build: error: argument --jobs: 'x' is not a whole number; write 0 "
            "(one per core) up to 256",
        ),
    ]:
        with pytest.raises(SystemExit):
            main(argv)
        assert capsys.readouterr().err.splitlines()[-1] == line
