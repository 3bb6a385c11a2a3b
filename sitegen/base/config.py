"""Site settings: site.yaml, validated and frozen (the options of a build are in options.py)."""

from __future__ import annotations

import re
import stat
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from sitegen.base.errors import ContentError, Problem, UsageError
from sitegen.base.i18n import _
from sitegen.base.licences import LicenceId
from sitegen.base.options import SITE_FILE, BuildOptions, build_time, web_address_problem
from sitegen.base.reading import KB, MB, FileRefused, read_regular
from sitegen.base.text import decode_text
from sitegen.base.validation import fail, translate_errors
from sitegen.base.yamldoc import parse_yaml_mapping


def _check_base_url(value: str) -> str:
    problem = web_address_problem(value)
    if problem is not None:
        raise fail(problem)
    return value if value.endswith("/") else value + "/"


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            _("{value!r} is not a timezone; write e.g. Europe/Prague").format(value=value)
        ) from None
    return value


def _check_authority(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+([.-][a-z0-9]+)*\.[a-z]{2,}", value):
        raise fail(
            _("{value!r} is not a domain name; write e.g. socialni-zaclenovani.cz").format(
                value=value
            )
        )
    return value


def _check_size(value: int) -> int:
    if not 1 <= value <= 100_000:
        raise fail(
            _("{value} is out of range; write a whole number from 1 to 100000").format(value=value)
        )
    return value


BaseUrl = Annotated[str, AfterValidator(_check_base_url)]
Text = Annotated[str, Field(min_length=1)]


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Paging(_Settings):
    """How many items lists and feeds show."""

    news_per_page: int = Field(10, ge=1)
    """News items on one page of /aktuality/ and the other news lists."""
    feed_items: int = Field(20, ge=1)
    """Newest items in each feed."""
    home_news: int = Field(5, ge=1)
    """Newest items on the home page."""
    related_news: int = Field(4, ge=0)
    """Related items under a news item."""


class Limits(_Settings):
    """The largest files a build accepts; a bigger one is an error, not a slow build."""

    markdown_kb: Annotated[int, AfterValidator(_check_size)] = 2048
    """Largest content file (.md), in kilobytes."""
    attachment_mb: Annotated[int, AfterValidator(_check_size)] = 10
    """Largest file in a bundle or in static/, in megabytes."""

    @property
    def markdown_bytes(self) -> int:
        """Return the largest content file in bytes."""
        return self.markdown_kb * KB

    @property
    def attachment_bytes(self) -> int:
        """Return the largest bundle or static file in bytes."""
        return self.attachment_mb * MB


class MenuLink(_Settings):
    """An entry of the main menu that is not a plain page (pages use `menu:`)."""

    title: Text
    url: Text
    position: int


def _ico_as_text(value: object) -> object:
    # YAML reads an unquoted IČO as a number, which drops its leading zeros.
    is_number = isinstance(value, int) and not isinstance(value, bool)
    return f"{value:08d}" if is_number else value


def _check_ico(value: str) -> str:
    digits = value.replace(" ", "")
    if not re.fullmatch(r"\d{8}", digits):
        raise fail(f"{value!r} is not an IČO; write its 8 digits")
    weights = range(8, 1, -1)
    weighted = sum(int(digit) * weight for digit, weight in zip(digits[:7], weights, strict=True))
    if int(digits[7]) != (11 - weighted % 11) % 10:
        raise fail(f"{digits!r} is not an IČO: its last digit does not match; check it")
    return digits


def _check_data_box(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]{7}", value):
        raise fail(f"{value!r} is not a data box id; write its 7 lower-case letters and digits")
    return value


class Contact(_Settings):
    """The agency's contacts, shown in the footer; each is shown only when filled."""

    department: str | None = None
    """The department as the ministry names it, e.g. "Odbor sociálního začleňování"."""
    section: str | None = None
    """The ministry's section the department belongs to."""
    head: str | None = None
    """Head of the department with title and role, e.g. "Mgr. Jan Novák, ředitel odboru"."""
    address: str | None = None
    """Postal address on one line."""
    phone: str | None = None
    """Phone number, e.g. "+420 777 787 974"."""
    email: str | None = None
    ico: Annotated[str, BeforeValidator(_ico_as_text), AfterValidator(_check_ico)] | None = None
    """Identification number (IČO): 8 digits with a check digit."""
    data_box: Annotated[str, AfterValidator(_check_data_box)] | None = None
    """Data box id (datová schránka): 7 lower-case letters and digits."""


class Supervisor(_Settings):
    """The body that enforces the accessibility law (§ 8 of Act No. 99/2019 Coll.)."""

    name: Text = "Digitální a informační agentura"
    url: Text = "https://dia.gov.cz/"


class Accessibility(_Settings):
    """The facts of the accessibility statement, kept out of the templates.

    The statement page (`page`) holds the list of content that is not accessible
    and why; the theme puts these facts around it in the order of the EU model
    statement (Commission Implementing Decision 2018/1523).
    """

    page: Text = "prohlaseni-o-pristupnosti"
    """Slug of the page with the statement; every page links to it."""
    status: Literal["full", "partial", "none"]
    """Compliance with EN 301 549 / WCAG 2.1 AA: full, partial or none."""
    prepared: date
    """When the statement was prepared."""
    reviewed: date
    """When the statement was last reviewed against the site."""
    method: Literal["self-assessment", "third-party"] = "self-assessment"
    """How compliance was assessed."""
    contact_email: str | None = None
    """Where readers send a report of a barrier (podnět k nápravě, § 9)."""
    contact_phone: str | None = None
    """Where readers call with a barrier; the statement needs this or contact_email."""
    contact_form: str | None = None
    """Address of a web form for reports of a barrier (`check` warns while the statement
    offers a phone only)."""
    response_days: int = Field(30, ge=1)
    """How soon the agency answers a report."""
    supervisor: Supervisor = Supervisor()

    @model_validator(mode="after")
    def _needs_a_contact(self) -> Accessibility:
        if not (self.contact_email or self.contact_phone):
            raise fail("needs contact_email or contact_phone: where readers report a barrier")
        return self


def _check_web_address(value: str) -> str:
    problem = web_address_problem(value)
    if problem is not None:
        raise fail(problem)
    return value


class Newsletter(_Settings):
    """The monthly e-mail digest (`newsletter` command) and its sign-up on /odber/."""

    signup_url: Annotated[str, AfterValidator(_check_web_address)] | None = None
    """Address of the agency's sign-up form for the e-mail digest; /odber/ offers it
    only when it is set."""
    unsubscribe: Text = "{{ UnsubscribeURL }}"
    """What the digest's unsubscribe link points to: the sending system's placeholder
    (listmonk's by default), which it replaces with each reader's own address."""
    lists: tuple[int, ...] = ()
    """Ids of the listmonk lists the campaign goes to (its JSON names them when set)."""


class OpenData(_Settings):
    """The open data on the localities (/data/, /otevrena-data/)."""

    licence: LicenceId = "CC-BY-4.0"
    """The SPDX id of their licence: CC-BY-4.0 (the default) or CC0-1.0."""


class Legal(_Settings):
    """Addresses of the pages the law asks for, which the obliged body (the ministry the
    agency belongs to) publishes; the footer links each one filled in."""

    mandatory_information: str | None = None
    """The "povinně zveřejňované informace" (Act No. 106/1999 Coll., vyhláška 515/2020 Coll.)."""
    whistleblowing: str | None = None
    """How to report under the whistleblower protection act (Act No. 171/2023 Coll.)."""
    personal_data: str | None = None
    """Personal data protection (GDPR) and the data protection officer's contact."""


class ParentBody(_Settings):
    """The body the publisher belongs to, named in the state bar above the header."""

    name: Text
    url: Text


def _check_menu_address(value: str) -> str:
    if not (value.startswith("/") and value.endswith("/")):
        raise fail(
            _(
                "{value!r} is not the address of a menu item; write it as the menu has it, "
                "from the site's root, e.g. /aktuality/"
            ).format(value=value)
        )
    return value


MenuAddress = Annotated[str, AfterValidator(_check_menu_address)]


class ContactTranslation(_Settings):
    """The names of the contact block (`contact:`) in another language."""

    department: str | None = None
    section: str | None = None
    head: str | None = None


class SiteTranslation(_Settings):
    """site.yaml's texts that readers see, in another language: pages in that language
    show these instead (a name left out stays Czech)."""

    title: Text
    """The site's name."""
    description: Text
    """The description of the site (the home page's lead)."""
    publisher: str | None = None
    parent: str | None = None
    """The name of the body the publisher belongs to (`parent: name:`)."""
    contact: ContactTranslation = ContactTranslation()
    menu: dict[MenuAddress, Text] = {}
    """Labels of the menu's items by their address (`/aktuality/: News`); an item with
    no label here is left out of the menu of pages in this language."""


class Translations(_Settings):
    """site.yaml's texts in the languages besides Czech (only English so far)."""

    en: SiteTranslation | None = None


def _check_repo(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+", value):
        raise fail(
            _(
                "{value!r} is not a repository; write its path on the Git host, "
                "e.g. mmr/socialni-zaclenovani-web"
            ).format(value=value)
        )
    return value


def _check_git_address(value: str) -> str:
    problem = web_address_problem(value)
    if problem is not None:
        raise fail(problem)
    return value.rstrip("/")


class Cms(_Settings):
    """The web editor at /admin/ (docs/webovy-editor.md): where it saves the content."""

    backend: Literal["gitlab", "github"]
    """The Git host that keeps the site's repository."""
    repo: Annotated[str, AfterValidator(_check_repo)]
    """The repository's path on the host, e.g. mmr/socialni-zaclenovani-web."""
    branch: Text = "main"
    """The branch the site is built from."""
    app_id: Text | None = None
    """GitLab: the Application ID of the OAuth application (PKCE, no server needed)."""
    base_url: Annotated[str, AfterValidator(_check_git_address)] | None = None
    """GitHub: the OAuth proxy that signs in. GitLab: the server, when not gitlab.com."""

    @model_validator(mode="after")
    def _needs_a_sign_in(self) -> Cms:
        if self.backend == "gitlab" and self.app_id is None:
            raise fail(
                _(
                    "GitLab needs app_id: the Application ID of the OAuth application "
                    "(GitLab → Edit profile → Applications), see docs/webovy-editor.md"
                )
            )
        if self.backend == "github" and self.base_url is None:
            raise fail(
                _(
                    "GitHub needs base_url: the address of the OAuth proxy that signs "
                    "editors in, see docs/webovy-editor.md"
                )
            )
        if self.backend == "github" and self.app_id is not None:
            raise fail(_("app_id is for GitLab only; GitHub signs in through base_url"))
        return self

    @property
    def git_host(self) -> str:
        """Return the address of the Git host the editor talks to."""
        if self.backend == "gitlab":
            return self.base_url or "https://gitlab.com"
        return "https://api.github.com"


class SiteConfig(_Settings):
    """The validated site.yaml."""

    title: Text
    """Site name, used in every <title> and in the feeds."""
    title_genitive: str | None = None
    """The site name in the genitive, for running text: "webu Agentury pro …"."""
    publisher: Text
    """The organisation behind the site, as it should be named."""
    parent: ParentBody | None = None
    """The ministry or office the publisher belongs to (the state bar links to it)."""
    description: Text
    """Meta description of the home page and of the feeds."""
    base_url: BaseUrl
    """Public address of the site; links inside the site keep its path."""
    language: Text = "cs"
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "Europe/Prague"
    feed_id_authority: Annotated[str, AfterValidator(_check_authority)]
    """Domain used in the feeds' tag: ids; never change it once feeds are out."""
    paging: Paging = Paging()
    limits: Limits = Limits()
    """Largest content files and attachments."""
    menu: tuple[MenuLink, ...] = ()
    contact: Contact | None = None
    social: dict[str, str] = {}
    """Links to the agency's profiles: name → URL (e.g. Facebook, YouTube)."""
    accessibility: Accessibility
    """The accessibility statement required by Act No. 99/2019 Coll."""
    newsletter: Newsletter = Newsletter()
    """The monthly e-mail digest: unsubscribe placeholder, listmonk lists, sign-up form."""
    open_data: OpenData = OpenData()
    """The licence of the open data on the localities."""
    cms: Cms | None = None
    """The web editor at /admin/; without it the site has no /admin/."""
    legal: Legal = Legal()
    """The ministry's pages the law asks the site to link (see Legal)."""
    translations: Translations = Translations()
    """The site's name, description, contacts and menu labels in English, for the
    English pages (see Translations)."""

    @property
    def tz(self) -> ZoneInfo:
        """Return the site's timezone."""
        return ZoneInfo(self.timezone)


def load_config(site_path: Path, base_url: str | None) -> SiteConfig:
    """Read and validate site.yaml; base_url (from the command line) wins when given.

    Raises:
        UsageError: when there is no site.yaml.
        ContentError: when site.yaml is not valid.
    """
    path = site_path / SITE_FILE
    data, lines = parse_yaml_mapping(read_site_file(path), SITE_FILE, first_line=1)
    if base_url is not None:
        data["base_url"] = base_url
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as error:

        def line_of(loc: tuple[str | int, ...]) -> int:
            return next((lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in lines), 1)

        raise ContentError(translate_errors(error, SiteConfig, SITE_FILE, line_of)) from None


SITE_FILE_LIMIT = 1024 * KB
"""Largest site.yaml: settings are a few kilobytes."""


def read_site_file(path: Path) -> str:
    """Return the text of site.yaml, reading it only when it is a regular file.

    Raises:
        UsageError: when there is no site.yaml.
        ContentError: when it is not a regular file, cannot be read, is too large, is
            not UTF-8 or holds a control character.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(
            _("{path}: not found; --source must be a site folder with {file}").format(
                path=path, file=SITE_FILE
            )
        ) from None
    except OSError as error:
        raise ContentError(
            [
                Problem(
                    SITE_FILE, 0, "", _("cannot be read ({reason})").format(reason=error.strerror)
                )
            ]
        ) from None
    if stat.S_ISDIR(mode):
        message = _("is a folder; {file} must be a file with the site's settings").format(
            file=SITE_FILE
        )
        raise ContentError([Problem(SITE_FILE, 0, "", message)])
    try:
        raw = read_regular(
            path,
            SITE_FILE_LIMIT,
            _(
                "the file is larger than {size} KB; settings take a few kilobytes, check the file"
            ).format(size=SITE_FILE_LIMIT // KB),
        )
    except FileRefused as refused:
        raise ContentError([Problem(SITE_FILE, 0, "", str(refused))]) from None
    return decode_text(raw, SITE_FILE)


__all__ = ["BuildOptions", "SiteConfig", "build_time", "load_config", "web_address_problem"]
