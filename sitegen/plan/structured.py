"""Structured data (schema.org JSON-LD) of the pages that search engines show richly.

Input: models and settings; output: plain dicts that the templates serialise with
Jinja's `tojson` (which escapes "<", ">" and "&", so the script element stays closed).
"""

from __future__ import annotations

from typing import Any

from sitegen.base.config import Contact, SiteConfig
from sitegen.base.urls import Urls
from sitegen.content.models import NewsItem

JsonLd = dict[str, Any]


def organization(config: SiteConfig, urls: Urls) -> JsonLd:
    """Return the GovernmentOrganization that publishes the site (for the home page)."""
    data: JsonLd = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": config.publisher,
        "alternateName": config.title,
        "url": urls.absolute(urls.home()),
        "description": config.description,
    }
    if config.contact:
        data.update(_contact_points(config.contact))
    if config.social:
        data["sameAs"] = sorted(config.social.values())
    return data


def _contact_points(contact: Contact) -> JsonLd:
    data: JsonLd = {}
    if contact.email:
        data["email"] = contact.email
    if contact.phone:
        data["telephone"] = contact.phone
    if contact.address:
        data["address"] = {"@type": "PostalAddress", "streetAddress": contact.address}
    return data


def news_article(item: NewsItem, config: SiteConfig, urls: Urls) -> JsonLd:
    """Return the NewsArticle of one news item."""
    publisher = {"@type": "GovernmentOrganization", "name": config.publisher}
    data: JsonLd = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "description": item.summary,
        "datePublished": item.date.isoformat(),
        "dateModified": item.last_modified.isoformat(),
        "inLanguage": config.language,
        "mainEntityOfPage": urls.absolute(item.url),
        "url": urls.absolute(item.url),
        "publisher": publisher,
        "author": {"@type": "Person", "name": item.author} if item.author else publisher,
    }
    if item.image:
        data["image"] = [urls.absolute(item.image.asset.url)]
    if item.place:
        data["locationCreated"] = {"@type": "Place", "name": item.place}
    if item.topics:
        data["keywords"] = [topic.name for topic in item.topics]
    return data
