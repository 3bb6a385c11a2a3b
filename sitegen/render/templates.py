"""Render stage for pages: Routes → HTML through the site's Jinja templates.

Templates receive typed objects (routes, models, the Site) and fail loudly: an
undefined name is an error, and every error points at the template's file and line.
"""

from __future__ import annotations

import dataclasses
import resource
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sitegen.base.config import SiteConfig
from sitegen.base.errors import Problem
from sitegen.base.i18n import _
from sitegen.base.typography import phone_text, phone_uri, typeset_text
from sitegen.base.urls import Urls
from sitegen.link.sanitize import sanitize_body_html
from sitegen.link.site import Site
from sitegen.plan.routes import Route
from sitegen.render import languages
from sitegen.render.compiled import CompiledTemplates
from sitegen.render.labels import STATUS_LABELS as STATUS_LABELS  # the tests' labels
from sitegen.render.languages import ThemeCatalogues, page_language
from sitegen.render.sandbox import PAGE_BYTES, BoundedEnvironment, TemplateLimit
from sitegen.render.site_texts import MenuEntry, SiteTexts, site_texts


@dataclass(frozen=True, slots=True)
class SiteGlobals:
    """What every template sees besides its route's context."""

    config: SiteConfig
    urls: Urls
    menu: tuple[MenuEntry, ...]
    texts: tuple[SiteTexts, ...] = ()
    """site.yaml's texts in each language the site speaks (Czech first): a page gets
    those of its language as `texts`."""


def make_environment(
    templates_path: Path, globals_: SiteGlobals, compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """Return the Jinja environment of one build, with sitegen's filters and globals.

    Templates run in a sandbox (sitegen.render.sandbox): no private attributes, and no value
    larger than a page. compiled keeps the compiled templates between builds (see
    SignedBytecodeCache).
    """
    env = BoundedEnvironment(
        loader=jinja2.FileSystemLoader(templates_path),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build never sees a template change: a change makes a new env
        extensions=["jinja2.ext.i18n"],
    )
    catalogues = languages.load_catalogues(
        templates_path, compiled.disk if isinstance(compiled, CompiledTemplates) else None
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension's
        catalogues.gettext, catalogues.ngettext, newstyle=True
    )
    env.globals["_"] = env.globals["gettext"] = catalogues.template_gettext()
    env.globals["range"] = bounded_range
    env.filters.update(
        date_long=languages.date_long,
        date_short=languages.date_short,
        month=languages.month_heading,
        filesize=languages.file_size,
        number=languages.number,
        phone=phone_text,
        tel=phone_uri,
        status=_status_filter(catalogues),
        cooperation=languages.cooperation,
        typo=typo,
        region_name=languages.region_name,
        plural=plural,
        sanitized=sanitized,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.globals.update(config=globals_.config, urls=globals_.urls, menu=globals_.menu)
    env.globals["site_texts"] = {texts.lang: texts for texts in globals_.texts}
    return env


def _status_filter(catalogues: ThemeCatalogues) -> Callable[[str], str]:
    def status(value: str) -> str:
        return languages.status_label(catalogues, value)

    return status


def site_globals(site: Site) -> SiteGlobals:
    """Return what every template sees besides its route's context.

    Templates get the site's data through each route's context, never the whole Site:
    a page's fingerprint (outputs.OutputPlan) covers its context and these globals.
    """
    menu = main_menu(site)

    def english_url(url: str) -> str | None:
        pair = site.translation_at(url)
        return pair.english.url if pair and pair.original.url == url else None

    texts = site_texts(site.config, menu, site.urls.base_path, english_url)
    return SiteGlobals(site.config, site.urls, menu, texts)


def typo(text: str) -> Markup:
    """Return text for a text node of the page: escaped, with Czech typesetting on a
    Czech page (English has other quotes and no one-letter words to keep with the next)."""
    if languages.current_language() == "en":
        return escape(text)
    return typeset(text)


@lru_cache(maxsize=4096, typed=True)  # typed: a str and equal Markup differ
def typeset(text: str) -> Markup:
    """Return text for a text node of the page: escaped, with Czech typesetting.

    Remembered: every page shows the site's title, publisher and menu.
    """
    return escape(typeset_text(text))


def sanitized(body_html: str) -> Markup:
    """Return a rendered body for the page, sanitised again where it is written.

    Bodies may come from the build cache; sanitising at output means a poisoned cache
    can only ever put sanitised HTML on the site (a clean body keeps its bytes).
    """
    return Markup(sanitize_body_html(body_html))


def plural(count: int, one: str, few: str, many: str) -> str:
    """Return the Czech plural form for count: 1 lokalita, 3 lokality, 5 lokalit."""
    if count == 1:
        return one
    return few if 2 <= count <= 4 else many


def main_menu(site: Site) -> tuple[MenuEntry, ...]:
    """Return the menu: site.yaml's links and the pages with `menu`, by position."""
    entries = [
        MenuEntry(link.title, site.urls.base_path + link.url.lstrip("/"), link.position)
        for link in site.config.menu
    ]
    entries += [
        MenuEntry(page.title, page.url, page.menu) for page in site.pages if page.menu is not None
    ]
    return tuple(sorted(entries, key=lambda entry: (entry.position, entry.title)))


PAGE_SECONDS = 30
"""A page whose template runs longer than this is a template problem (a loop that does
not end), like Hugo's timeout; the build stops with the template's file and line."""


RANGE_LIMIT = 100_000
"""The most numbers range() gives a template (as in Jinja's sandbox)."""


class PageTooSlow(TemplateLimit):
    """A template ran longer than PAGE_SECONDS."""

    def __str__(self) -> str:
        return _(
            "rendering this page took longer than {seconds} s; look for a loop that does not end"
        ).format(seconds=PAGE_SECONDS)


class PageTooLarge(TemplateLimit):
    """A template wrote a page larger than PAGE_BYTES."""

    def __init__(self, template: str = "") -> None:
        super().__init__(template)
        self.template = template
        """The template, when the error is not raised at one of its lines."""

    def __str__(self) -> str:
        return _(
            "the page is larger than {limit} bytes; look for a loop that writes too much"
        ).format(limit=PAGE_BYTES)


class RangeTooLarge(TemplateLimit):
    """A template asked range() for more than RANGE_LIMIT numbers."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count

    def __str__(self) -> str:
        return _("range() of {count} numbers; a template may count to {limit} at most").format(
            count=self.count, limit=RANGE_LIMIT
        )


def bounded_range(*bounds: int) -> range:
    """range() for templates: a typo such as range(10**9) is refused at once, not run.

    Raises:
        RangeTooLarge: for more than RANGE_LIMIT numbers.
    """
    numbers = range(*bounds)
    try:
        count = len(numbers)
    except OverflowError:  # more than a Python int of the machine's size can count
        raise RangeTooLarge(sys.maxsize) from None
    if count > RANGE_LIMIT:
        raise RangeTooLarge(count)
    return numbers


def render_page(env: jinja2.Environment, route: Route) -> bytes:
    """Render one route with its template, into the page's bytes, in the language of its
    context (the theme's texts, dates and numbers; site.yaml's texts as `texts`).

    Raises:
        PageTooSlow: when the template runs longer than PAGE_SECONDS (where the build
            renders in a process's main thread: every build but the preview's own share).
        PageTooLarge: when the page would be larger than PAGE_BYTES (at the template's
            line that wrote past it).
    """
    failed = _FAILED.get(route.template)
    if failed is not None:  # its other pages would fail alike: report it once, at once
        raise failed
    template = env.get_template(route.template)
    context = route.context
    names = (field.name for field in dataclasses.fields(context))
    values = {n: getattr(context, n) for n in names}
    texts = _texts_in(env, context.lang)
    try:
        with _time_limit(PAGE_SECONDS), _memory_limit(RENDER_MEMORY), page_language(context.lang):
            chunks = template.generate(route=route, texts=texts, **values)
            data = _within_page_limit(chunks).encode()
    except (PageTooSlow, MemoryError) as error:
        _FAILED[route.template] = error
        raise
    if len(data) > PAGE_BYTES:  # fewer characters than the limit, but more bytes
        raise PageTooLarge(route.template)
    return data


def _texts_in(env: jinja2.Environment, lang: str) -> SiteTexts | None:
    """Return site.yaml's texts in lang (Czech ones where site.yaml has none in lang)."""
    by_language = env.globals.get("site_texts")
    if not isinstance(by_language, dict):
        return None
    texts = by_language.get(lang) or by_language.get(languages.DEFAULT)
    return texts if isinstance(texts, SiteTexts) else None


def _within_page_limit(chunks: Iterator[str]) -> str:
    """Return the page the chunks make, stopping the template as soon as it has written
    more than PAGE_BYTES characters (PageTooLarge at the line that did)."""
    assert isinstance(chunks, Generator)  # Template.generate's
    parts: list[str] = []
    size = 0
    for part in chunks:
        size += len(part)
        if size > PAGE_BYTES:
            chunks.throw(PageTooLarge())
        parts.append(part)
    return "".join(parts)


_FAILED: dict[str, PageTooSlow | MemoryError] = {}
"""Templates that ran too long or out of memory in this process's build, with their
error (which names the line): see forget_slow_templates."""


def forget_slow_templates() -> None:
    """Start a build's rendering afresh: templates may have been mended since the last."""
    _FAILED.clear()


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise PageTooSlow in the block once it has run for seconds (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGALRM) is not _too_slow:
        signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _too_slow(signum: int, frame: object) -> None:
    raise PageTooSlow


def template_problem(error: Exception, templates_path: Path) -> Problem:
    """Return an error raised by a template as a Problem at the template's file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.name or error.filename or "?"
        return Problem(f"templates/{name}", error.lineno, "", error.message or str(error))
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(f"templates/{error.name}", 0, "", _("template not found"))
    if isinstance(error, jinja2.TemplateError | TemplateLimit):
        message = str(error)
    elif isinstance(error, MemoryError):
        message = _(
            "rendering this page ran out of memory (a page may take {limit} MB); "
            "look for a value that grows in a loop"
        ).format(limit=RENDER_MEMORY // 2**20)
    else:
        message = _describe(error)
    path, line = _template_frame(error, templates_path)
    if line == 0 and isinstance(error, PageTooLarge) and error.template:
        path = f"templates/{error.template}"
    return Problem(path, line, "", message)


def _describe(error: Exception) -> str:
    """Return what went wrong in a template expression, e.g. "division by zero"; an
    error that says nothing is named by its class (MemoryError), never left empty."""
    return _("the template failed: {reason}").format(reason=str(error) or type(error).__name__)


RENDER_MEMORY = 2 * 2**30
"""How much more address space than it has a process may take to render one page
(2 GiB): a template that slips past the sandbox fails its page with MemoryError at its
line instead of growing until the kernel ends the build or something else on the machine."""


@contextmanager
def _memory_limit(headroom: int) -> Iterator[None]:
    """Limit this process to headroom more address space than it has, in the block.

    Main thread only, like _time_limit: the limit is the whole process's, and the
    preview renders pages in threads side by side. The build's threads may start
    Pagefind meanwhile; it lifts the limit it inherits (search.index_pages).
    """
    used = _address_space()
    if used is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + headroom
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:  # as low already
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """Return this process's address space in bytes (None where Linux's /proc is not)."""
    try:
        with open("/proc/self/statm", "rb") as statm:  # noqa: PTH123 (a read per page: no Path)
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


def _template_frame(error: BaseException, templates_path: Path) -> tuple[str, int]:
    root = str(templates_path.resolve())
    frames: list[Any] = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        filename = str(Path(frame.filename).resolve()) if frame.filename else ""
        if filename.startswith(root):
            rel = Path(filename).relative_to(root).as_posix()
            return f"templates/{rel}", frame.lineno or 0
    return "templates", 0
