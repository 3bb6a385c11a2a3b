"""`sitegen check` advice on what a public body's site owes its readers: true contacts,
a second channel for reporting a barrier, and links to the pages the law asks for.

Like the rest of check's advice, these are warnings: the site builds without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sitegen.base.config import SiteConfig
from sitegen.base.errors import Problem
from sitegen.base.i18n import _
from sitegen.base.options import SITE_FILE
from sitegen.link.site import Site

OLD_EMAIL_DOMAIN = re.compile(r"@(?:[\w-]+\.)*vlada\.cz$", re.IGNORECASE)
"""The Office of the Government's domain: the agency's address until 2019."""
OLD_PHONE = re.compile(r"^(?:00420|\+?420)?296\d{6}$")
"""The Office of the Government's numbers (+420 296 …): the agency's until 2019."""


def is_outdated_email(email: str | None) -> bool:
    """Return whether an e-mail address is at the Office of the Government's domain."""
    return bool(email and OLD_EMAIL_DOMAIN.search(email.strip()))


def is_outdated_phone(phone: str | None) -> bool:
    """Return whether a phone number is one of the Office of the Government's."""
    return bool(phone and OLD_PHONE.match(re.sub(r"[\s/.-]", "", phone)))


def duty_advice(site: Site) -> list[Problem]:
    """Return warnings about outdated contacts, the accessibility statement's channels
    and the missing addresses of the pages the law asks for."""
    return [*_outdated_contacts(site), *_statement_channels(site.config), *_legal(site.config)]


def _outdated_contacts(site: Site) -> Iterator[Problem]:
    config = site.config
    if config.contact:
        yield from _contact_problems(
            SITE_FILE,
            ("contact.email", config.contact.email),
            ("contact.phone", config.contact.phone),
        )
    statement = config.accessibility
    yield from _contact_problems(
        SITE_FILE,
        ("accessibility.contact_email", statement.contact_email),
        ("accessibility.contact_phone", statement.contact_phone),
    )
    people = [(x.source, x.contact) for x in site.localities]
    people += [(x.source, x.contact) for x in site.partnerships]
    for source, contact in people:
        if contact:
            yield from _contact_problems(
                source, ("contact.email", contact.email), ("contact.phone", contact.phone)
            )


def _contact_problems(
    source: str, email: tuple[str, str | None], phone: tuple[str, str | None]
) -> Iterator[Problem]:
    """Warn about an e-mail address and a phone number (each: field, value)."""
    if is_outdated_email(email[1]):
        message = _(
            "{email} is an address of the Office of the Government, where the agency "
            "was until 2019; write the current one or leave the field out"
        ).format(email=email[1])
        yield Problem(source, 0, email[0], message)
    if is_outdated_phone(phone[1]):
        message = _(
            "{phone} is a number of the Office of the Government, where the agency "
            "was until 2019; write the current one or leave the field out"
        ).format(phone=phone[1])
        yield Problem(source, 0, phone[0], message)


def _statement_channels(config: SiteConfig) -> Iterator[Problem]:
    statement = config.accessibility
    if not (statement.contact_email or statement.contact_form):
        message = _(
            "empty: the accessibility statement offers readers only a phone to report a "
            "barrier; add an e-mail address (contact_email) or a web form (contact_form)"
        )
        yield Problem(SITE_FILE, 0, "accessibility.contact_email", message)


def _legal(config: SiteConfig) -> Iterator[Problem]:
    """Warn while an address of the parent body's pages is missing (a site without a
    parent body publishes those pages itself, as pages of its own)."""
    if config.parent is None:
        return
    legal = config.legal
    pages = {
        "mandatory_information": legal.mandatory_information,
        "whistleblowing": legal.whistleblowing,
        "personal_data": legal.personal_data,
    }
    for name, address in pages.items():
        if not address:
            message = _(
                "empty: the footer links this page of the ministry only once its address "
                "is filled in"
            )
            yield Problem(SITE_FILE, 0, f"legal.{name}", message)
