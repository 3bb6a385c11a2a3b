"""Link stage: resolve references and index the site both ways; a pure function.

Input: Entries (validated front matter) and their rendered bodies. Output: Site, the
graph that routes and templates read: published items, sorted, with every
cross-reference resolved.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sitegen.base.config import SiteConfig
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import N_, _
from sitegen.base.regions import Region, all_regions, regions_by_id
from sitegen.base.typography import ascii_slug, czech_key, sorted_czech
from sitegen.base.urls import NEWS as NEWS_SECTION
from sitegen.base.urls import Urls
from sitegen.content.kinds import LOCALITY, NEWS, PARTNERSHIP, Kind
from sitegen.content.load import EntriesByKind, Entry, asset_for, entries_of, is_scheduled
from sitegen.content.models import (
    Body,
    Contact,
    Document,
    Image,
    Locality,
    Member,
    NewsItem,
    Page,
    Partnership,
    Redirect,
    RegionText,
    Topic,
)
from sitegen.content.schema import (
    PLACEHOLDER,
    ConsultantRef,
    ContactRef,
    DocumentRef,
    LocalityFrontMatter,
    NewsFrontMatter,
    PageFrontMatter,
    PartnershipFrontMatter,
    RegionFrontMatter,
)
from sitegen.link.bodies import RenderedBodies
from sitegen.link.images import plan_picture

T = TypeVar("T")

UNKNOWN_REGION = Region(
    PLACEHOLDER, "kraj nevyplněn", "v nevyplněném kraji", "z nevyplněného kraje", ""
)
"""The region of a draft locality whose region is still PLACEHOLDER (preview only)."""
RELATED_WINDOW = 12
"""Items nearest in time taken from each shared locality, region or topic."""
RELATED_WEIGHTS = {"locality": 3, "partnership": 3, "topic": 2, "region": 1}


@dataclass(frozen=True, slots=True)
class Site:
    """Everything that is published, sorted and cross-referenced."""

    config: SiteConfig
    urls: Urls
    now: datetime
    news: tuple[NewsItem, ...]
    """Visible news, newest first."""
    localities: tuple[Locality, ...]
    """In Czech alphabetical order."""
    partnerships: tuple[Partnership, ...]
    pages: tuple[Page, ...]
    regions: tuple[Region, ...]
    region_texts: dict[str, RegionText]
    topics: tuple[Topic, ...]
    news_by_topic: dict[str, tuple[NewsItem, ...]]
    news_by_region: dict[str, tuple[NewsItem, ...]]
    news_by_locality: dict[str, tuple[NewsItem, ...]]
    news_by_partnership: dict[str, tuple[NewsItem, ...]]
    localities_by_region: dict[str, tuple[Locality, ...]]
    localities_by_partnership: dict[str, tuple[Locality, ...]]
    partnerships_by_locality: dict[str, tuple[Partnership, ...]]
    locality_by_slug: dict[str, Locality]
    partnership_by_slug: dict[str, Partnership]
    related: dict[str, tuple[NewsItem, ...]]
    redirects: tuple[Redirect, ...] = ()
    """Old addresses of the published items, sorted by URL."""
    next_change: datetime | None = None
    """The next moment the site changes by itself: a scheduled item comes out, a
    cooperation starts or ends. None when nothing is scheduled."""
    left_out: tuple[Scheduled, ...] = ()
    draft_warnings: tuple[Problem, ...] = ()
    """Broken links of drafts, which become errors when the draft is published."""
    """News items dated in the future that this build leaves out, soonest first."""

    def scheduled_notes(self) -> list[str]:
        """Return one line per scheduled item left out, with its publication time."""
        return [
            _("Scheduled, not published yet: {path} ({moment})").format(
                path=item.source, moment=moment_text(item.date.astimezone(self.config.tz))
            )
            for item in self.left_out
        ]

    def models(self) -> tuple[NewsItem | Locality | Partnership | Page | RegionText, ...]:
        """Return every model of the site, kind by kind (the one place that lists them)."""
        return (
            *self.news,
            *self.localities,
            *self.partnerships,
            *self.pages,
            *self.region_texts.values(),
        )

    def news_years(self) -> list[int]:
        """Return the years that have news, newest first."""
        return sorted({item.date.year for item in self.news}, reverse=True)


def link_site(
    entries: Sequence[Entry],
    bodies: RenderedBodies,
    config: SiteConfig,
    urls: Urls,
    now: datetime,
    static_path: Path,
    include_drafts: bool,
    earlier_problems: Sequence[Problem] = (),
) -> Site:
    """Resolve references and index the site; keep what is published (or all, with drafts).

    A pure function of its arguments: bodies were rendered by the stage before.

    Raises:
        ContentError: with earlier_problems (those of the front matter, references
            included) and the problems of the bodies.
    """
    by_kind = EntriesByKind.of(entries)
    problems = list(earlier_problems)  # the entries' own, references included
    problems += check_aliases(entries, urls)
    if not include_drafts:
        problems += check_draft_references(by_kind)
        by_kind = by_kind.without_drafts()
    problems += check_statement(config, by_kind.pages)
    problems += bodies.problems
    if problems:
        raise ContentError(problems)
    builder = _ModelBuilder(
        urls,
        now,
        static_path,
        bodies.bodies,
        _topics(by_kind.news, urls),
        config.feed_id_authority,
        config.tz,
    )
    news = [builder.news_item(entry, by_kind.localities) for entry in by_kind.news]
    shown = [item for item in news if include_drafts or item.is_published]
    site = _index(config, urls, now, shown, builder, by_kind)
    left_out = () if include_drafts else scheduled_items(entries, now)
    return replace(
        site,
        redirects=_redirects(site, by_kind),
        next_change=next_change(entries, now),
        left_out=left_out,
        draft_warnings=bodies.draft_warnings,
    )


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A news item that comes out later."""

    source: str
    """Its file, relative to the site root."""
    date: datetime


def scheduled_items(entries: Sequence[Entry], now: datetime) -> tuple[Scheduled, ...]:
    """Return the news items that are not drafts and are dated after now, soonest first."""
    found = [
        Scheduled(entry.source.rel_path, entry.meta.date)
        for entry in entries_of(NEWS, entries)
        if not entry.meta.draft and is_scheduled(entry.meta.date, now)
    ]
    return tuple(sorted(found, key=lambda item: (item.date, item.source)))


def moment_text(moment: datetime) -> str:
    """Return a date and time as the current language writes it: 1. 12. 2026 9:00."""
    return _("{day}. {month}. {year} {hour}:{minute:02d}").format(
        day=moment.day, month=moment.month, year=moment.year, hour=moment.hour, minute=moment.minute
    )


def next_change(entries: Sequence[Entry], now: datetime) -> datetime | None:
    """Return the first moment after now at which the published site changes by itself."""
    moments = [
        entry.meta.date
        for entry in entries_of(NEWS, entries)
        if not entry.meta.draft and entry.meta.date > now
    ]
    today = now.date()
    for entry in entries_of(LOCALITY, entries):
        since, until = entry.meta.cooperation_since, entry.meta.cooperation_until
        if since is not None and since > today:
            moments.append(datetime.combine(since, time(), now.tzinfo))
        if until is not None and until >= today:
            moments.append(datetime.combine(until + timedelta(days=1), time(), now.tzinfo))
    return min(moments, default=None)


# References -------------------------------------------------------------------------


def check_draft_references(by_kind: EntriesByKind) -> list[Problem]:
    """Return a Problem for each published item that names a draft locality or partnership.

    The draft is not published, so the reference would be a broken link.
    """
    drafts: dict[tuple[Kind, str], str] = {
        (LOCALITY, entry.slug): entry.source.rel_path
        for entry in by_kind.localities
        if entry.meta.draft
    }
    drafts |= {
        (PARTNERSHIP, entry.slug): entry.source.rel_path
        for entry in by_kind.partnerships
        if entry.meta.draft
    }
    naming: list[Entry[NewsFrontMatter | PartnershipFrontMatter | LocalityFrontMatter]] = [
        *by_kind.news,
        *by_kind.partnerships,
        *by_kind.localities,
    ]
    problems = []
    for entry in naming:
        if entry.meta.draft:
            continue
        for loc, kind, slug in _references(entry):
            if (kind, slug) in drafts:
                message = _(_DRAFT_REFERENCE[kind]).format(slug=slug, file=drafts[kind, slug])
                problems.append(entry.problem(loc, message))
    return problems


_DRAFT_REFERENCE = {
    LOCALITY: N_(
        "locality '{slug}' is a draft ('draft: true' in {file}), so it is not published; "
        "publish it first, or remove it from here"
    ),
    PARTNERSHIP: N_(
        "partnership '{slug}' is a draft ('draft: true' in {file}), so it is not published; "
        "publish it first, or remove it from here"
    ),
}
"""The message of a reference to a draft, by the kind of the draft."""


def _references(entry: Entry) -> list[tuple[tuple[str | int, ...], Kind, str]]:
    """Return (key path, kind, slug) of each locality and partnership that entry names."""
    meta = entry.meta
    found: list[tuple[tuple[str | int, ...], Kind, str]] = []
    if isinstance(meta, LocalityFrontMatter) and meta.partnership:
        found.append((("partnership",), PARTNERSHIP, meta.partnership))
    if isinstance(meta, NewsFrontMatter | PartnershipFrontMatter):
        found += [(("localities", i), LOCALITY, slug) for i, slug in enumerate(meta.localities)]
    if isinstance(meta, NewsFrontMatter):
        found += [
            (("partnerships", i), PARTNERSHIP, slug) for i, slug in enumerate(meta.partnerships)
        ]
    return found


def check_aliases(entries: Sequence[Entry], urls: Urls) -> list[Problem]:
    """Return a Problem for each alias that is an item's address or another alias."""
    holders = {entry.url: (entry.source.rel_path, _TAKEN_BY_ITEM) for entry in entries}
    problems = []
    for entry in entries:
        for i, path in enumerate(_aliases(entry)):
            url = urls.alias(path)
            holder = holders.setdefault(url, (entry.source.rel_path, _TAKEN_BY_ALIAS))
            if holder[0] == entry.source.rel_path and holder[1] == _TAKEN_BY_ALIAS:
                continue
            message = _(holder[1]).format(path=path, file=holder[0])
            problems.append(entry.problem(("aliases", i), message))
    return problems


def _aliases(entry: Entry) -> tuple[str, ...]:
    """Return the old paths of an item (a region's text has none)."""
    meta = entry.meta
    return () if isinstance(meta, RegionFrontMatter) else meta.aliases


_TAKEN_BY_ITEM = N_("'{path}' is the address of {file}; remove it from one of the files")
_TAKEN_BY_ALIAS = N_("'{path}' is an alias in {file}; remove it from one of the files")
"""Who has an alias's address already: one whole sentence for each case, to translate."""


def _redirects(site: Site, by_kind: EntriesByKind) -> tuple[Redirect, ...]:
    """Return a Redirect for each alias of each item the site publishes."""
    shown = [
        *((item.url, item.title, item.source) for item in site.news),
        *((item.url, item.title, item.source) for item in site.localities),
        *((item.url, item.title, item.source) for item in site.partnerships),
        *((item.url, item.title, item.source) for item in site.pages),
    ]
    items: list[Entry] = [
        *by_kind.news,
        *by_kind.localities,
        *by_kind.partnerships,
        *by_kind.pages,
    ]
    aliases = {entry.source.rel_path: _aliases(entry) for entry in items}
    redirects = {
        site.urls.alias(path): Redirect(site.urls.alias(path), url, title, source)
        for url, title, source in shown
        for path in aliases[source]
    }
    return tuple(redirects[url] for url in sorted(redirects))


def check_statement(config: SiteConfig, pages: Sequence[Entry[PageFrontMatter]]) -> list[Problem]:
    """Return a Problem when the accessibility statement page is missing.

    The law requires the statement to be reachable from every page, so a site
    without it is not built.
    """
    slug = config.accessibility.page
    if any(entry.slug == slug for entry in pages):
        return []
    message = _(
        "no page {slug!r}; write the accessibility statement into content/pages/{slug}.md "
        "or name its page here"
    ).format(slug=slug)
    return [Problem("site.yaml", 0, "accessibility.page", message)]


# Models -----------------------------------------------------------------------------


def _topics(news: Sequence[Entry[NewsFrontMatter]], urls: Urls) -> dict[str, Topic]:
    """Return tag as written → Topic; spellings of one slug share the commonest name."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in news:
        for tag in entry.meta.tags:
            spellings[ascii_slug(tag)][tag] += 1
    topics = {}
    for slug, counts in spellings.items():
        name = min(counts, key=lambda tag: (-counts[tag], czech_key(tag), tag))
        for tag in counts:
            topics[tag] = Topic(slug, name, urls.topic(slug))
    return topics


@dataclass(frozen=True, slots=True)
class _ModelBuilder:
    urls: Urls
    now: datetime
    static_path: Path
    bodies: dict[str, Body]
    topics: dict[str, Topic]
    feed_authority: str
    tz: ZoneInfo

    def body(self, entry: Entry) -> Body:
        return self.bodies[entry.source.content_key]

    def documents(self, entry: Entry, refs: tuple[DocumentRef, ...]) -> tuple[Document, ...]:
        return tuple(
            Document(ref.title, asset_for(entry, ref.file, self.static_path, self.urls))
            for ref in refs
        )

    def news_item(
        self,
        entry: Entry[NewsFrontMatter],
        locality_entries: Sequence[Entry[LocalityFrontMatter]],
    ) -> NewsItem:
        meta = entry.meta
        body = self.body(entry)
        locality_regions = {e.meta.region for e in locality_entries if e.slug in meta.localities}
        region_ids = set(meta.regions) | locality_regions
        image = None
        if meta.image and meta.image_alt:  # schema.py requires image_alt with an image
            asset = asset_for(entry, meta.image, self.static_path, self.urls)
            image = Image(asset, meta.image_alt, meta.image_caption, plan_picture(asset))
        topics = {self.topics[tag].slug: self.topics[tag] for tag in meta.tags}
        return NewsItem(
            source=entry.source.rel_path,
            slug=entry.slug,
            url=entry.url,
            feed_id=self._feed_id(entry),
            title=meta.title,
            date=meta.date.astimezone(self.tz),
            updated=meta.updated.astimezone(self.tz) if meta.updated else None,
            summary=meta.summary or body.first_paragraph,
            has_lead=meta.summary is not None,
            place=meta.place,
            topics=tuple(sorted_czech(topics.values(), lambda topic: topic.name)),
            regions=tuple(r for r in all_regions() if r.id in region_ids),
            locality_slugs=tuple(dict.fromkeys(meta.localities)),
            partnership_slugs=tuple(dict.fromkeys(meta.partnerships)),
            image=image,
            documents=self.documents(entry, meta.documents),
            attribution=meta.source,
            author=meta.author,
            is_draft=meta.draft,
            is_scheduled=is_scheduled(meta.date, self.now),
            body=body,
            assets=entry.assets,
            is_national=meta.national,
        )

    def _feed_id(self, entry: Entry[NewsFrontMatter]) -> str:
        """Return a tag: URI (RFC 4151) from the publication date and slug."""
        day = entry.meta.date.astimezone(self.tz).date().isoformat()
        return f"tag:{self.feed_authority},{day}:{NEWS_SECTION}/{entry.slug}"

    def locality(self, entry: Entry[LocalityFrontMatter]) -> Locality:
        meta = entry.meta
        return Locality(
            source=entry.source.rel_path,
            slug=entry.slug,
            url=entry.url,
            title=meta.title,
            kind=meta.kind,
            region=regions_by_id().get(meta.region, UNKNOWN_REGION),
            population=meta.population,
            cooperation_since=meta.cooperation_since,
            cooperation_until=meta.cooperation_until,
            status=meta.status
            or locality_status(meta.cooperation_since, meta.cooperation_until, self.now.date()),
            partnership_slug=meta.partnership,
            coordinates=meta.coordinates,
            contact=_contact(meta.contact),
            body=self.body(entry),
            assets=entry.assets,
            is_draft=meta.draft,
            status_written=meta.status is not None,
        )

    def partnership(self, entry: Entry[PartnershipFrontMatter]) -> Partnership:
        meta = entry.meta
        return Partnership(
            source=entry.source.rel_path,
            slug=entry.slug,
            url=entry.url,
            title=meta.title,
            locality_slugs=tuple(
                slug for slug in dict.fromkeys(meta.localities) if slug != PLACEHOLDER
            ),
            founded=meta.founded,
            convener=meta.convener,
            contact=_contact(meta.contact),
            members=tuple(Member(member.name, member.roles) for member in meta.members),
            documents=self.documents(entry, meta.documents),
            body=self.body(entry),
            assets=entry.assets,
            is_draft=meta.draft,
        )

    def page(self, entry: Entry[PageFrontMatter]) -> Page:
        meta = entry.meta
        body = self.body(entry)
        return Page(
            entry.source.rel_path,
            entry.slug,
            entry.url,
            meta.title,
            meta.menu,
            meta.summary or body.first_paragraph,
            body,
            entry.assets,
            meta.draft,
        )

    def region_text(self, entry: Entry[RegionFrontMatter]) -> RegionText:
        return RegionText(
            entry.source.rel_path, entry.slug, entry.meta.summary, self.body(entry), entry.assets
        )


def _contact(ref: ContactRef | ConsultantRef | None) -> Contact | None:
    if ref is None:
        return None
    role = ref.role if isinstance(ref, ConsultantRef) else None
    return Contact(ref.name, ref.email, ref.phone, role)


def locality_status(since: date | None, until: date | None, today: date) -> str:
    """Return the status of a locality that does not write one: what its dates say on
    today, or active when it has no start date (it is listed where the agency works)."""
    return cooperation_status(since, until, today) or "active"


def cooperation_status(since: date | None, until: date | None, today: date) -> str | None:
    """Return planned, active or ended on today; None when the cooperation has no start."""
    if since is None:
        return None
    if today < since:
        return "planned"
    if until is not None and until < today:
        return "ended"
    return "active"


# Indexes ----------------------------------------------------------------------------


def _index(
    config: SiteConfig,
    urls: Urls,
    now: datetime,
    shown: list[NewsItem],
    builder: _ModelBuilder,
    by_kind: EntriesByKind,
) -> Site:
    news = sorted(shown, key=lambda item: (item.date, item.slug), reverse=True)
    localities = sorted_czech(map(builder.locality, by_kind.localities), lambda x: x.title)
    partnerships = sorted_czech(map(builder.partnership, by_kind.partnerships), lambda x: x.title)
    pages = sorted_czech(map(builder.page, by_kind.pages), lambda page: page.title)
    topics = {topic.slug: topic for item in news for topic in item.topics}
    localities_by_partnership, partnerships_by_locality = _membership(localities, partnerships)
    return Site(
        config=config,
        urls=urls,
        now=now,
        news=tuple(news),
        localities=tuple(localities),
        partnerships=tuple(partnerships),
        pages=tuple(pages),
        regions=all_regions(),
        region_texts={e.slug: builder.region_text(e) for e in by_kind.regions},
        topics=tuple(sorted_czech(topics.values(), lambda topic: topic.name)),
        news_by_topic=_group(news, lambda item: [t.slug for t in item.topics]),
        news_by_region=_group(news, lambda item: [r.id for r in item.regions]),
        news_by_locality=_group(news, lambda item: item.locality_slugs),
        news_by_partnership=_group(news, lambda item: item.partnership_slugs),
        localities_by_region=_group(localities, lambda loc: [loc.region.id]),
        localities_by_partnership=localities_by_partnership,
        partnerships_by_locality=partnerships_by_locality,
        locality_by_slug={loc.slug: loc for loc in localities},
        partnership_by_slug={p.slug: p for p in partnerships},
        related=find_related(news, config.paging.related_news),
    )


def _group(items: Iterable[T], keys: Callable[[T], Iterable[str]]) -> dict[str, tuple[T, ...]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for key in keys(item):
            groups[key].append(item)
    return {key: tuple(group) for key, group in sorted(groups.items())}


def _membership(
    localities: list[Locality], partnerships: list[Partnership]
) -> tuple[dict[str, tuple[Locality, ...]], dict[str, tuple[Partnership, ...]]]:
    """Join both directions: a partnership's list and a locality's `partnership` key."""
    pairs = {(p.slug, slug) for p in partnerships for slug in p.locality_slugs}
    pairs |= {(loc.partnership_slug, loc.slug) for loc in localities if loc.partnership_slug}
    by_partnership = {
        p.slug: tuple(loc for loc in localities if (p.slug, loc.slug) in pairs)
        for p in partnerships
    }
    by_locality = {
        loc.slug: tuple(p for p in partnerships if (p.slug, loc.slug) in pairs)
        for loc in localities
    }
    return by_partnership, by_locality


def find_related(news: Sequence[NewsItem], limit: int) -> dict[str, tuple[NewsItem, ...]]:
    """Return, per news slug, the items sharing most localities, topics and regions.

    Each shared key contributes its items nearest in time (not all of them), so the
    cost stays linear in the number of items; ties go to the item nearest in time.
    """
    if limit == 0:
        return {}
    groups: dict[tuple[str, str], list[NewsItem]] = defaultdict(list)
    for item in reversed(news):  # oldest first
        for key in _related_keys(item):
            groups[key].append(item)
    position = {
        key: {item.slug: i for i, item in enumerate(group)} for key, group in groups.items()
    }
    stamps = {item.slug: item.date.timestamp() for item in news}
    return {item.slug: _related_to(item, groups, position, stamps, limit) for item in news}


def _related_keys(item: NewsItem) -> list[tuple[str, str]]:
    return (
        [("locality", slug) for slug in item.locality_slugs]
        + [("partnership", slug) for slug in item.partnership_slugs]
        + [("topic", topic.slug) for topic in item.topics]
        + [("region", region.id) for region in item.regions]
    )


def _related_to(
    item: NewsItem,
    groups: dict[tuple[str, str], list[NewsItem]],
    position: dict[tuple[str, str], dict[str, int]],
    stamps: dict[str, float],
    limit: int,
) -> tuple[NewsItem, ...]:
    scores: Counter[str] = Counter()
    by_slug: dict[str, NewsItem] = {}
    for key in _related_keys(item):
        group, at = groups[key], position[key][item.slug]
        weight = RELATED_WEIGHTS[key[0]]
        for other in group[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]:
            scores[other.slug] += weight
            by_slug[other.slug] = other
    scores.pop(item.slug, None)
    when = stamps[item.slug]
    ranked = sorted([(-score, abs(stamps[slug] - when), slug) for slug, score in scores.items()])
    return tuple(by_slug[slug] for _score, _distance, slug in ranked[:limit])
