"""Render stage for crawlers: sitemap.xml and robots.txt."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from sitegen.routes import Route
from sitegen.urls import Urls


def render_sitemap(routes: Iterable[Route], urls: Urls) -> bytes:
    """Return sitemap.xml listing every page meant for search engines, sorted by URL."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for route in sorted((r for r in routes if r.in_sitemap), key=lambda r: r.url):
        lines.append(
            f"  <url><loc>{escape(urls.absolute(route.url))}</loc>"
            + (f"<lastmod>{route.lastmod.isoformat()}</lastmod>" if route.lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def render_robots(urls: Urls) -> bytes:
    """Return robots.txt: everything may be crawled; where the sitemap is."""
    sitemap = urls.absolute(urls.file("sitemap.xml"))
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
