"""Render stage for crawlers and web servers: sitemap.xml, robots.txt and redirects.

The redirects of old addresses (front matter `aliases:`) go out as `_redirects`
(Netlify, Cloudflare Pages) and as an nginx `map` (redirects.nginx.conf), besides the
redirect pages every host serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from html import escape as _html_escape

from sitegen.base.urls import Urls, quote_alias
from sitegen.content.models import Redirect
from sitegen.plan.routes import Route

escape = partial(_html_escape, quote=False)
"""XML text escaping (&, <, >) without importing xml.sax, which loads urllib and ssl."""


_XMLNS_XHTML = 'xmlns:xhtml="http://www.w3.org/1999/xhtml" '
"""The namespace of the alternates of translated pages (Google's sitemap extension)."""


def render_sitemap(routes: Iterable[Route], urls: Urls) -> bytes:
    """Return sitemap.xml listing every page meant for search engines, sorted by URL;
    each page that has a translation names both with `xhtml:link` alternates."""
    listed = sorted((r for r in routes if r.in_sitemap), key=lambda r: r.url)
    translated = any(route.alternates for route in listed)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<urlset {_XMLNS_XHTML if translated else ''}"
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for route in listed:
        lines.append(
            f"  <url><loc>{escape(urls.absolute(route.url))}</loc>"
            + (f"<lastmod>{route.lastmod.isoformat()}</lastmod>" if route.lastmod else "")
            + "".join(
                f'<xhtml:link rel="alternate" hreflang="{alternate.lang}" '
                f'href="{escape(urls.absolute(alternate.url))}"/>'
                for alternate in route.alternates
            )
            + "</url>"
        )
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def render_robots(urls: Urls) -> bytes:
    """Return robots.txt: everything may be crawled; where the sitemap is."""
    sitemap = urls.absolute(urls.file("sitemap.xml"))
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def render_redirects(redirects: Iterable[Redirect]) -> bytes:
    """Return `_redirects` (Netlify, Cloudflare Pages): one `/old /new 301` per line.

    The old address is percent-encoded but for letters, digits and - . _ ~ /, so that
    no host reads a pattern (`*`, `:name`), a flag (`!`) or a field break in it.
    """
    lines = ["# Old addresses (aliases: in front matter); made by sitegen."]
    lines += [f"{quote_alias(r.url)} {r.target_url} 301" for r in redirects]
    return ("\n".join(lines) + "\n").encode()


def render_nginx_map(redirects: Iterable[Redirect]) -> bytes:
    """Return an nginx `map` of old addresses (decoded, as nginx's $uri) to new ones.

    A folder address is mapped with and without its final slash. Each old address is
    a quoted string starting with "/", so nginx reads it literally: a regex starts with
    "~" and a keyword (default, include, hostnames) has no "/".
    """
    lines = [
        "# Old addresses (aliases: in front matter); made by sitegen. In the http block:",
        "#   include /path/to/public/redirects.nginx.conf;",
        "# and in the server block:",
        "#   if ($sitegen_redirect) { return 301 $sitegen_redirect; }",
        "map $uri $sitegen_redirect {",
    ]
    for redirect in redirects:
        olds = [redirect.url]
        if redirect.url.endswith("/") and redirect.url != "/":
            olds.insert(0, redirect.url.rstrip("/"))
        lines += [f"    {_nginx_string(old)} {_nginx_string(redirect.target_url)};" for old in olds]
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


_NGINX_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
"""What nginx's parser reads back inside a quoted string: quote, backslash, \\n \\r \\t."""


def _nginx_string(text: str) -> str:
    """Return text as a quoted string of nginx's configuration, which nginx reads back
    as text (its parser undoes these five escapes and keeps every other byte).

    Old addresses hold no quote, backslash or control character (urls.normalise_alias);
    the escapes keep one literal entry per line even if that ever changed.
    """
    return '"' + text.translate(_NGINX_ESCAPES) + '"'
