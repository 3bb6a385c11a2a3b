"""Stage 3: one front-matter schema per kind, with exactly the keys of DESIGN.md.

Input: FrontMatter data. Output: a frozen pydantic model, or Problems with file, line
and field. Unknown keys are errors; cross-field rules are checked after the schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)

from sitegen.base.errors import ContentError, Problem, did_you_mean
from sitegen.base.i18n import _
from sitegen.base.regions import regions_by_id
from sitegen.base.typography import ascii_slug
from sitegen.base.urls import normalise_alias
from sitegen.base.validation import fail, field_name, translate_errors
from sitegen.content.frontmatter import FrontMatter

SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(\+\d{3} ?)?\d{3} ?\d{3} ?\d{3}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")

PLACEHOLDER = "DOPLNIT"
"""What `sitegen new` writes where the author must fill in a reference ("fill in").

A draft may keep it; an item without `draft: true` that still has it is an error, so
a scaffold published by mistake stops the build instead of naming a wrong region."""

# The Czech Republic's extreme points, rounded outwards.
CZ_LATITUDE = (48.55, 51.06)
CZ_LONGITUDE = (12.09, 18.86)


def _check_slug(value: str) -> str:
    if not SLUG_PATTERN.fullmatch(value):
        better = ascii_slug(value)
        if better:
            raise fail(
                _(
                    "{value!r} is not a slug: write {better!r} (lowercase letters without "
                    "diacritics, digits and single hyphens)"
                ).format(value=value, better=better)
            )
        raise fail(
            _(
                "{value!r} is not a slug: use lowercase letters without diacritics, "
                "digits and single hyphens, e.g. 'memorandum-stredocesky-kraj'"
            ).format(value=value)
        )
    return value


def _check_slug_or_placeholder(value: str) -> str:
    return value if value == PLACEHOLDER else _check_slug(value)


_CZECH_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})(?:\s+(\d{1,2}):(\d{2}))?")
"""A date as Czech writes it, day first: 6. 12. 2026 (and a time: 6. 12. 2026 9:00)."""


def iso_of_czech_date(text: str, *, with_time: bool) -> str | None:
    """Return the ISO form of a Czech date (2026-12-06, with a time 2026-12-06T09:00),
    or None when text is not one (a time only when with_time)."""
    match = _CZECH_DATE.fullmatch(text.strip())
    if match is None or (match[4] is not None and not with_time):
        return None
    try:
        day = date(int(match[3]), int(match[2]), int(match[1]))
        if match[4] is None:
            return day.isoformat()
        return datetime.combine(day, time(int(match[4]), int(match[5]))).isoformat("T", "minutes")
    except ValueError:
        return None


def _not_a_date(value: object, *, with_time: bool) -> None:
    """Raise the error of a Czech date with its ISO form to write, if value is one."""
    iso = iso_of_czech_date(value, with_time=with_time) if isinstance(value, str) else None
    if iso is not None:
        raise fail(
            _("'{text}' is not a date; write {iso} (year-month-day)").format(text=value, iso=iso)
        )


def _parse_date(value: object) -> date:
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _not_a_date(value, with_time=False)
    raise fail(_("'{text}' is not a date (write YYYY-MM-DD, e.g. 2017-10-20)").format(text=text))


def _parse_datetime(value: object, info: ValidationInfo) -> datetime:
    """Parse a date or an ISO 8601 date-time; without an offset it is in the site's zone."""
    tz: ZoneInfo = (info.context or {})["tz"]
    if isinstance(value, str) and _DATE.fullmatch(value):
        return datetime.combine(_parse_date(value), time(), tz)
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    _not_a_date(value, with_time=True)
    text = value if isinstance(value, str) else repr(value)
    raise fail(
        _(
            "'{text}' is not a date (write YYYY-MM-DD, e.g. 2017-10-20, "
            "or YYYY-MM-DDTHH:MM, e.g. 2017-10-20T14:30)"
        ).format(text=text)
    )


def _check_tag(value: str) -> str:
    if not ascii_slug(value):
        raise fail(
            _("{value!r} gives the topic no address; use words with letters or digits").format(
                value=value
            )
        )
    return value


def _check_region(value: str) -> str:
    if value not in regions_by_id():
        hint = did_you_mean(value, regions_by_id())
        listed = "" if hint else _("; region ids are {ids}").format(ids=", ".join(regions_by_id()))
        raise fail(
            _("unknown region {value!r}{hint}{listed}").format(
                value=value, hint=hint, listed=listed
            )
        )
    return value


def _check_region_or_placeholder(value: str) -> str:
    return value if value == PLACEHOLDER else _check_region(value)


def _check_alias(value: str) -> str:
    try:
        return normalise_alias(value)
    except ValueError as error:
        raise fail(str(error)) from None


_COORDINATES_TEXT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


def _coordinates_from_text(value: object) -> object:
    """Read "50.0843, 13.0101" (as the web editor writes it) as [50.0843, 13.0101]."""
    found = _COORDINATES_TEXT.fullmatch(value) if isinstance(value, str) else None
    return (float(found[1]), float(found[2])) if found else value


def _check_coordinates(value: tuple[float, float]) -> tuple[float, float]:
    latitude, longitude = value
    if not (
        CZ_LATITUDE[0] <= latitude <= CZ_LATITUDE[1]
        and CZ_LONGITUDE[0] <= longitude <= CZ_LONGITUDE[1]
    ):
        raise fail(
            _(
                "[{latitude}, {longitude}] is outside the Czech Republic; write "
                "[latitude, longitude], e.g. [50.0843, 13.0101] (latitude first)"
            ).format(latitude=latitude, longitude=longitude)
        )
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise fail(
            _("{value!r} is not an e-mail address; write e.g. jana.novakova@mmr.gov.cz").format(
                value=value
            )
        )
    return value


def _check_phone(value: str) -> str:
    if not _PHONE.fullmatch(value):
        raise fail(
            _(
                "{value!r} is not a Czech phone number; write nine digits in groups of three, "
                "with the country code if you like, e.g. +420 296 153 318"
            ).format(value=value)
        )
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
SlugRef = Annotated[str, AfterValidator(_check_slug_or_placeholder)]
"""A slug naming another item, or PLACEHOLDER in a scaffold."""
Tag = Annotated[str, Field(min_length=1), AfterValidator(_check_tag)]
Text = Annotated[str, Field(min_length=1)]
Day = Annotated[date, BeforeValidator(_parse_date)]
Moment = Annotated[datetime, BeforeValidator(_parse_datetime)]
RegionId = Annotated[str, AfterValidator(_check_region)]
RegionRef = Annotated[str, AfterValidator(_check_region_or_placeholder)]
"""A region id, or PLACEHOLDER in a scaffold."""
AliasPath = Annotated[str, Field(min_length=1), AfterValidator(_check_alias)]
Coordinates = Annotated[
    tuple[float, float],
    BeforeValidator(_coordinates_from_text),
    AfterValidator(_check_coordinates),
]
Email = Annotated[str, AfterValidator(_check_email)]
Phone = Annotated[str, BeforeValidator(str), AfterValidator(_check_phone)]


class FrontMatterModel(BaseModel):
    """Front matter of any kind: every key is known, values are frozen."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class ItemFrontMatter(FrontMatterModel):
    """The keys every kind of item takes (a region's text takes none of them)."""

    title: Text
    """What the item is called: its page's heading and title."""
    draft: bool = False
    """Never published; shown by `serve` and `build --drafts`."""
    aliases: tuple[AliasPath, ...] = ()
    """Old paths (from the site's root) that redirect to the item."""
    slug: Slug | None = None
    """The item's slug, when not the one its file name gives."""


class DocumentRef(FrontMatterModel):
    """An attachment: its title and its file (in the bundle, or /… in static/)."""

    title: Text
    file: Text


class ContactRef(FrontMatterModel):
    """A person to contact."""

    name: Text
    email: Email | None = None
    phone: Phone | None = None


class ConsultantRef(ContactRef):
    """The agency's consultant for a locality ("lokální konzultant")."""

    role: Text | None = None
    """What the person does, e.g. "lokální konzultantka"."""


class Member(FrontMatterModel):
    """A member organisation of a partnership and the roles of its representatives."""

    name: Text
    roles: tuple[Text, ...] = ()


class NewsFrontMatter(ItemFrontMatter):
    """Front matter of a news item (content/news/)."""

    date: Moment
    updated: Moment | None = None
    summary: Text | None = None
    place: Text | None = None
    tags: tuple[Tag, ...] = ()
    regions: tuple[RegionId, ...] = ()
    localities: tuple[Slug, ...] = ()
    partnerships: tuple[Slug, ...] = ()
    image: Text | None = None
    image_alt: Text | None = None
    image_caption: Text | None = None
    documents: tuple[DocumentRef, ...] = ()
    source: Text | None = None
    author: Text | None = None
    national: bool = False
    """The item concerns the whole country: no region or locality is expected."""


class LocalityFrontMatter(ItemFrontMatter):
    """Front matter of a locality profile (content/localities/)."""

    kind: Literal["město", "obec", "mikroregion", "městská část"] = "obec"
    region: RegionRef
    status: Literal["active", "planned", "ended"] | None = None
    """Where the cooperation stands: active, planned or ended. Absent: it follows from
    cooperation_since and cooperation_until on the day of the build, or is active."""
    population: int | None = Field(None, ge=0)
    cooperation_since: Day | None = None
    cooperation_until: Day | None = None
    partnership: Slug | None = None
    coordinates: Coordinates | None = None
    contact: ConsultantRef | None = None


class PartnershipFrontMatter(ItemFrontMatter):
    """Front matter of a local partnership (content/partnerships/)."""

    localities: tuple[SlugRef, ...] = Field(min_length=1)
    founded: Day | None = None
    convener: Text | None = None
    contact: ContactRef | None = None
    members: tuple[Member, ...] = ()
    documents: tuple[DocumentRef, ...] = ()


class PageFrontMatter(ItemFrontMatter):
    """Front matter of a plain page (content/pages/)."""

    menu: int | None = None
    summary: Text | None = None


class TranslationFrontMatter(FrontMatterModel):
    """Front matter of a translation (X.en.md beside X.md): everything else comes from
    the original, so the two cannot contradict each other."""

    title: Text
    summary: Text | None = None
    """The lead; only for the kinds whose original takes a summary."""
    slug: Slug | None = None
    """The last part of the translation's address; default: its title's slug."""


class RegionFrontMatter(FrontMatterModel):
    """Front matter of a region's editorial text (content/regions/<id>.md)."""

    summary: Text | None = None


M = TypeVar("M", bound=FrontMatterModel)


def validate_front_matter(schema: type[M], front: FrontMatter, rel_path: str, tz: ZoneInfo) -> M:
    """Validate front against schema (the schema of a kind) and its cross-field rules.

    Raises:
        ContentError: with one Problem per wrong key.
    """
    try:
        model = schema.model_validate(front.data, context={"tz": tz})
    except ValidationError as error:
        raise ContentError(translate_errors(error, schema, rel_path, front.line_of)) from None
    problems = [
        Problem(rel_path, front.line_of(loc), field_name(loc), message)
        for loc, message in _cross_field_problems(model)
    ]
    if problems:
        raise CrossFieldError(problems, model)
    return model


class CrossFieldError(ContentError):
    """Every key of a front matter is valid on its own, but together they are not (or
    one is a placeholder left to fill in): the model is there to check its references."""

    def __init__(self, problems: list[Problem], model: FrontMatterModel) -> None:
        super().__init__(problems)
        self.model = model


def _cross_field_problems(model: FrontMatterModel) -> list[tuple[tuple[str | int, ...], str]]:
    found = _placeholder_problems(model)
    if isinstance(model, NewsFrontMatter):
        if model.image and not model.image_alt:
            found.append(
                (
                    ("image",),
                    _(
                        "image_alt is required when image is set: describe "
                        "what the photo shows for readers who cannot see it"
                    ),
                )
            )
        if (model.image_alt or model.image_caption) and not model.image:
            found.append(
                (
                    ("image_alt" if model.image_alt else "image_caption",),
                    _("there is no image: add image, or remove this key"),
                )
            )
        if model.updated and model.updated < model.date:
            found.append((("updated",), _("is before date; updated is the date of a later change")))
    if (
        isinstance(model, LocalityFrontMatter)
        and model.cooperation_since
        and model.cooperation_until
        and model.cooperation_until < model.cooperation_since
    ):
        found.append((("cooperation_until",), _("is before cooperation_since")))
    return found


def _placeholder_problems(model: FrontMatterModel) -> list[tuple[tuple[str | int, ...], str]]:
    """Return a problem for each PLACEHOLDER left in an item that is not a draft."""
    if not isinstance(model, ItemFrontMatter) or model.draft:
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(model, LocalityFrontMatter) and model.region == PLACEHOLDER:
        found.append(
            (
                ("region",),
                _(
                    "'{placeholder}' is to be filled in: write the region id, e.g. "
                    "'karlovarsky' (the ids are listed in the comment), or keep 'draft: true'"
                ).format(placeholder=PLACEHOLDER),
            )
        )
    if isinstance(model, PartnershipFrontMatter):
        for i, slug in enumerate(model.localities):
            if slug == PLACEHOLDER:
                found.append(
                    (
                        ("localities", i),
                        _(
                            "'{placeholder}' is to be filled in: write the file name of a "
                            "locality from content/localities/ without .md, or keep "
                            "'draft: true'"
                        ).format(placeholder=PLACEHOLDER),
                    )
                )
    return found
