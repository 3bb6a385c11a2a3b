"""Templates are bounded in memory and output, not only in time (issue 19, item 2).

Every hostile template is refused at its line, at once, with nothing written; the
builds here run under an address-space limit of their own (conftest.memory_limit), so
a check that stops working fails its test instead of taking the machine's memory.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.render import sandbox, templates
from sitegen.render.compiled import SignedBytecodeCache
from sitegen.render.sandbox import ValueTooLarge
from sitegen.render.templates import (
    RangeTooLarge,
    SiteGlobals,
    make_environment,
    template_problem,
)
from tests.conftest import Run, make_site
from tests.test_hostile_input import build_fails

pytestmark = pytest.mark.usefixtures("memory_limit")


def page_template(line: str) -> dict[str, str | bytes]:
    """Return a site whose page template holds line as its line 3, and one page."""
    return {
        "templates/page.html": "{% extends 'base.html' %}\n{% block content %}\n"
        f"{line}\n{{% endblock %}}\n",
        "content/pages/o-nas.md": "---\ntitle: O nás\n---\nText\n",
    }


FAILED = "Sestavení selhalo: 1 problém; nic nebylo zapsáno."
TEXT = (
    "by vytvořilo text o {size} znacích; šablona smí vytvořit nejvýš 10000000 "
    "(zmenšete počet nebo šířku)"
)
LIST = (
    "by vytvořilo seznam o {size} položkách; šablona smí vytvořit nejvýš 10000000 (zmenšete počet)"
)
NUMBER = (
    "by vytvořilo číslo o {size} číslicích; šablona smí vytvořit nejvýš 10000000 (zmenšete čísla)"
)

ATTACKS: dict[str, tuple[str, str]] = {
    "repetition": ("{{ 'x' * 10**10 }}", "* " + TEXT.format(size=10**10)),
    "percent_width": ("{{ '%0999999999d'|format(1) }}", "|format " + TEXT.format(size=1000000011)),
    "center": ("{{ 'a'|center(10**10) }}", "|center " + TEXT.format(size=10**10)),
    "ljust": ("{{ 'x'.ljust(10**10) }}", ".ljust() " + TEXT.format(size=10**10)),
    "list_repetition": (
        "{{ (range(100000)|list)*100000 }}",
        "* " + LIST.format(size=10**10),
    ),
    "star_width": ("{{ '%*d'|format(10**10, 1) }}", "|format " + TEXT.format(size=10**10 + 3)),
    "percent_operator": ("{{ '%0999999999d' % 1 }}", "% " + TEXT.format(size=1000000011)),
    "str_format": ("{{ '{:>999999999}'.format(1) }}", ".format() " + TEXT.format(size=999999999)),
    "format_map": (
        "{{ '{x:>999999999}'.format_map({'x': 1}) }}",
        ".format() " + TEXT.format(size=999999999),
    ),
    "nested_width": ("{{ '{:>{}}'.format(1, 10**10) }}", ".format() " + TEXT.format(size=10**10)),
    "rjust": ("{{ 'x'.rjust(10**10) }}", ".rjust() " + TEXT.format(size=10**10)),
    "zfill": ("{{ '1'.zfill(10**10) }}", ".zfill() " + TEXT.format(size=10**10)),
    "expandtabs": (
        "{{ ('\\t' * 1000).expandtabs(10**8) }}",
        ".expandtabs() " + TEXT.format(size=10**11 + 1000),
    ),
    "join_filter": (
        "{{ (range(100000)|list)|join('x' * 1000) }}",
        "|join " + TEXT.format(size=99999000),
    ),
    "join_method": (
        "{{ ('x' * 1000).join(range(100000)|map('string')) }}",
        ".join() " + TEXT.format(size=100488890),
    ),
    "replace_filter": (
        "{{ ('a' * 100000)|replace('a', 'b' * 1000) }}",
        "|replace " + TEXT.format(size=10**8),
    ),
    "replace_count": (
        "{{ ('a' * 100000).replace('', 'b' * 1000) }}",
        ".replace() " + TEXT.format(size=100101000),
    ),
    "wordwrap": (
        "{{ ('a ' * 100000)|wordwrap(1, wrapstring='x' * 1000) }}",
        "|wordwrap " + TEXT.format(size=200201000),
    ),
    "indent": ("{{ ('a\\n' * 100000)|indent(1000) }}", "|indent " + TEXT.format(size=100202000)),
    "doubling_with_tilde": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "~ " + TEXT.format(size=2**24),
    ),
    "doubling_with_plus": (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "+ " + TEXT.format(size=2**24),
    ),
    "doubling_a_list": (
        "{% set l = [1] %}{% for i in range(40) %}{% if l.extend(l) %}{% endif %}{% endfor %}",
        ".extend() " + LIST.format(size=2**24),
    ),
    "power": ("{{ 2 ** (10 ** 10) }}", "** " + NUMBER.format(size=10**10)),
    "squaring": (
        "{% set ns = namespace(n=2) %}{% for i in range(40) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}",
        "* " + NUMBER.format(size=10100892),
    ),
    "translate": (
        "{{ ('a' * 100000).translate({97: 'b' * 1000}) }}",
        ".translate() " + TEXT.format(size=10**8),
    ),
    "lipsum": ("{{ lipsum(10**6) }}", "lipsum() " + TEXT.format(size=12 * 10**8)),
    "batch": ("{{ [1]|batch(10**10, 0)|list }}", "|batch " + LIST.format(size=10**10)),
    "slice": ("{{ [1]|slice(10**10)|list }}", "|slice " + LIST.format(size=10**10)),
    "tojson_indent": (
        "{{ (range(10000)|list)|tojson(indent=10**6) }}",
        "|tojson " + TEXT.format(size=58890058890),
    ),
    "page_that_writes_too_much": (
        "{% for i in range(100000) %}{% for j in range(1000) %}"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
        "stránka je větší než 10000000 bajtů; hledejte cyklus, který vypisuje příliš mnoho",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_a_template_that_would_make_a_huge_value_is_refused_at_its_line_at_once(
    attack: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    line, message = ATTACKS[attack]
    site = make_site(tmp_path / "site", page_template(line))
    start = time.monotonic()
    assert build_fails(site, run_cli, "--lang", "cs") == [
        f"templates/page.html:3: {message}",
        FAILED,
    ]
    assert time.monotonic() - start < 10


def test_a_page_of_fewer_characters_but_more_bytes_than_the_limit_is_not_written(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    line = "{% for i in range(6) %}{{ 'ž' * 1000000 }}{% endfor %}"  # 6 M characters, 12 MB
    site = make_site(tmp_path / "site", page_template(line))
    assert build_fails(site, run_cli, "--lang", "cs") == [
        "templates/page.html: stránka je větší než 10000000 bajtů; "
        "hledejte cyklus, který vypisuje příliš mnoho",
        FAILED,
    ]


MISSED = "{% set s = 'x' * 9000000 %}{{ ([s] * 100)|string|length }}"
"""A value the sandbox does not measure: 100 copies of a 9 MB text, written out (900 MB:
more than the 256 MB the test below gives a page, less than the test's own limit)."""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_page_that_runs_out_of_memory_fails_at_its_line_in_every_process(
    jobs: str, tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "RENDER_MEMORY", 256 * 2**20)
    pages = {f"content/pages/s-{n}.md": f"---\ntitle: Strana {n}\n---\nText\n" for n in range(140)}
    site = make_site(tmp_path / "site", {**page_template(MISSED), **pages})
    limits = resource.getrlimit(resource.RLIMIT_AS)
    problems = build_fails(site, run_cli, "--lang", "cs", "--jobs", jobs)
    assert problems == [
        "templates/page.html:3: při vykreslování stránky došla paměť (stránka smí zabrat "
        "nejvýš 256 MB); hledejte hodnotu, která roste v cyklu",
        FAILED,
    ]
    assert resource.getrlimit(resource.RLIMIT_AS) == limits  # the build's own limit is back


def test_an_error_without_words_is_named_by_its_class(tmp_path: Path) -> None:
    env = make_environment(tmp_path, SiteGlobals(None, None, ()))  # type: ignore[arg-type]
    template = env.from_string("{{ fail() }}")
    for error in (MemoryError(), ZeroDivisionError()):

        def fail(error: Exception = error) -> None:
            raise error

        with pytest.raises(type(error)) as raised:
            template.render(fail=fail)
        assert str(template_problem(raised.value, tmp_path)).rsplit(": ", 1)[-1] != ""
    assert str(template_problem(ZeroDivisionError(), tmp_path)) == (
        "templates: the template failed: ZeroDivisionError"
    )


HOSTILE = "{{ 'x' * 10**10 }}"


def test_a_template_compiled_without_the_sandbox_is_not_taken_from_the_cache(
    tmp_path: Path,
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.html").write_text(HOSTILE, encoding="utf-8")
    cache = SignedBytecodeCache(tmp_path / "cache", b"k" * 32)
    loader = jinja2.FileSystemLoader(tmp_path / "templates")
    plain = jinja2.Environment(loader=loader, bytecode_cache=cache, autoescape=True)
    plain.get_template("page.html")  # cached as a plain environment compiles it
    assert len(list((tmp_path / "cache").iterdir())) == 1
    first = make_environment(tmp_path / "templates", SiteGlobals(None, None, ()), cache)  # type: ignore[arg-type]
    with pytest.raises(ValueTooLarge):
        first.get_template("page.html").render()
    assert len(list((tmp_path / "cache").iterdir())) == 2  # its own, beside the plain one
    cached = make_environment(tmp_path / "templates", SiteGlobals(None, None, ()), cache)  # type: ignore[arg-type]

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the template was compiled again, not taken from the cache")

    cached.compile = compile_again  # type: ignore[method-assign,assignment]
    with pytest.raises(ValueTooLarge):
        cached.get_template("page.html").render()


LIMIT = 1000
"""The page limit in the property test below: small, so that sizes around it are cheap."""

SLACK = 16
"""How far under LIMIT a value may be refused: a check counts a format's own text too."""

EXPRESSIONS = [
    "'x' * n",
    "[1] * n",
    "'%{n}d'|format(1)",
    "'%*d'|format(n, 1)",
    "('%' ~ n ~ 'd') % 1",
    "'{:>{n}}'.format(1)",
    "'a'|center(n)",
    "'a'.ljust(n)",
    "'a'.rjust(n)",
    "'1'.zfill(n)",
    "(range(n)|map('string')|list)|join(',')",
    "','.join(range(n)|map('string'))",
    "('a' * (n // 10))|replace('a', 'bbbbbbbbbb')",
    "('a\\n' * (n // 2))|indent(1)",
    "'x' * (n // 2) ~ 'y' * (n - n // 2)",
    "'x' * (n // 2) + 'y' * (n - n // 2)",
]
"""Expressions whose value has about n characters or items (at least n - 10)."""


def render_length(env: jinja2.Environment, expression: str, n: int) -> int:
    template = env.from_string("{{ (" + expression.replace("{n}", str(n)) + ")|length }}")
    return int(template.render(n=n))


@settings(max_examples=60, deadline=None)
@given(
    expression=st.sampled_from(EXPRESSIONS),
    n=st.one_of(st.integers(0, 3 * LIMIT), st.integers(0, 10**12)),
)
def test_a_value_is_made_when_it_fits_and_refused_when_it_does_not(expression: str, n: int) -> None:
    plain = jinja2.Environment(autoescape=True)
    real = render_length(plain, expression, n) if n <= 3 * LIMIT else None
    env = make_environment(Path("templates"), SiteGlobals(None, None, ()))  # type: ignore[arg-type]
    original = sandbox.PAGE_BYTES
    sandbox.PAGE_BYTES = LIMIT  # before compiling: Jinja folds constant filters then
    try:
        length = render_length(env, expression, n)
    except ValueTooLarge as error:
        assert error.size > LIMIT
        assert real is None or real > LIMIT - SLACK
    except RangeTooLarge:
        assert n > templates.RANGE_LIMIT
    else:
        assert length == real
        assert length <= LIMIT
    finally:
        sandbox.PAGE_BYTES = original
