"""Property: whatever the editor's form can produce, sitegen accepts and builds.

Each field of the generated config.yml gives a strategy of the values its widget can
save, per its options, pattern (read as the browser does: unanchored unless it says
^…$) and required flag; optional fields left empty are left out of the file, as the
editor's page does before it saves (admin/index.html). The front matter is written as
the editor writes it: YAML 1.2, so `yes` and `1_000` are plain text without quotes
(measured in Chromium: `title: yes`, `source: 1_000`). The entry must pass sitegen's
validation, and a file of the news form must build.

What a single field cannot say is left to sitegen's own messages, tested elsewhere:
a photo needs its description (image_alt), `updated` is not before `date`, a
cooperation does not end before it starts. Those combinations are not generated.
"""

from __future__ import annotations

import dataclasses
import re
import string
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitegen.base.config import load_config
from sitegen.base.urls import Urls
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.kinds import kind_named
from sitegen.content.schema import validate_front_matter
from sitegen.engine.pipeline import build
from sitegen.plan.admin import TEST_BACKEND, editor_config
from tests.conftest import LOCALITY, SITE_YAML, make_site, options_for, sample_file

TZ = ZoneInfo("Europe/Prague")
SLUGS = {"localities": ["zlutice", "valec"], "partnerships": ["zluticko"]}
"""The items the test site has, which a relation field offers."""
FILES = {"image": "foto.jpg", "file": "zprava.pdf"}
"""What the editor's file fields save in a news item's folder (files beside index.md)."""
PARTNERSHIP = "---\ntitle: Žluticko\nlocalities: [zlutice]\n---\n"
TYPED = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"))
"""What a person can type or paste into a field: no control characters."""


def _config() -> dict[str, Any]:
    """Return config.yml's data for the tests' site.yaml."""
    with tempfile.TemporaryDirectory() as temporary:
        (Path(temporary) / "site.yaml").write_text(SITE_YAML, "utf-8")
        config = load_config(Path(temporary), None)
    return editor_config(config, Urls(config.base_url), TEST_BACKEND)


def text_of(pattern: str | None, *, lines: bool) -> st.SearchStrategy[str]:
    """Return what a text input (or a textarea: lines) accepts with the field's pattern."""
    if pattern is None:
        return st.text(TYPED, min_size=1)
    flags = re.ASCII if "\\d" in pattern else 0  # JavaScript's \d is ASCII only
    found = st.from_regex(re.compile(pattern, flags), alphabet=TYPED)
    return found.filter(lambda value: lines or "\n" not in value)


def value_of(field: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return the values the widget of field can save."""
    widget = field.get("widget", "string")
    pattern = field["pattern"][0] if "pattern" in field else None
    if widget in ("string", "text"):
        return text_of(pattern, lines=widget == "text")
    if widget in ("image", "file"):
        return st.just(FILES[widget])
    if widget == "boolean":
        return st.booleans()
    if widget == "number":
        return st.integers(min_value=field.get("min"), max_value=10**9)
    if widget == "datetime":
        moments = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31))  # noqa: DTZ001 (the form's clock has no zone)
        shape = "%Y-%m-%d" if field["time_format"] is False else "%Y-%m-%dT%H:%M"
        return moments.map(lambda moment: moment.strftime(shape))
    fewest = max(field.get("min", 0), 1 if field.get("required", True) else 0)
    if widget in ("select", "relation"):
        if widget == "select":
            values = [option["value"] for option in field["options"]]
        else:
            values = SLUGS[field["collection"]]
        if field.get("multiple"):
            return st.lists(st.sampled_from(values), unique=True, min_size=fewest)
        return st.sampled_from(values)
    if widget == "list" and "fields" in field:
        return st.lists(entry_of(field["fields"]), min_size=fewest, max_size=3)
    if widget == "list":
        return st.lists(value_of(field["field"]), min_size=fewest, max_size=3)
    if widget == "object":
        return entry_of(field["fields"])
    if widget == "markdown":
        return st.text(string.ascii_letters + "ěščřžýáíéůú ,.\n", max_size=200)
    raise AssertionError(f"no strategy for widget {widget!r}")


def entry_of(fields: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Return an entry of a form: every required field, and optional ones or not."""
    required = {f["name"]: value_of(f) for f in fields if f.get("required", True)}
    optional = {f["name"]: value_of(f) for f in fields if not f.get("required", True)}
    return st.fixed_dictionaries(required, optional=optional).map(
        lambda entry: {f["name"]: entry[f["name"]] for f in fields if f["name"] in entry}
    )


def pruned(value: Any) -> Any:
    """Leave out empty texts and mappings, as the editor's page does before it saves
    (empty lists stay: the form would make them again, and sitegen reads them as none)."""
    if isinstance(value, dict):
        kept = {key: pruned(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", {}, None)}
    if isinstance(value, list):
        return [pruned(item) for item in value if pruned(item) not in ("", {}, None)]
    return value


class Yaml12Dumper(yaml.SafeDumper):
    """Writes as a YAML 1.2 writer does: quotes only what YAML 1.2 would read as
    something else than text (true, 12, 1.5, null), so `yes` and `1_000` stay plain."""


Yaml12Dumper.yaml_implicit_resolvers = {}
for tag, rule, firsts in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\0"),
):
    for first in firsts:
        starts = [first] if first != "\0" else None
        Yaml12Dumper.add_implicit_resolver(tag, re.compile(rule), starts)


def markdown_file(entry: dict[str, Any]) -> str:
    """Return the file the editor writes for an entry: front matter and body."""
    meta = {key: value for key, value in entry.items() if key != "body"}
    front = yaml.dump(meta, Dumper=Yaml12Dumper, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{entry.get('body', '')}"


def fits_rules_across_fields(entry: dict[str, Any]) -> bool:
    """Whether entry keeps the rules that join two fields (see the module's docstring)."""
    photo = ("image" in entry) == ("image_alt" in entry) and (
        "image_caption" not in entry or "image" in entry
    )
    dates = "updated" not in entry or entry["updated"] >= entry["date"]
    since, until = entry.get("cooperation_since"), entry.get("cooperation_until")
    return photo and dates and not (since and until and until < since)


CONFIG = _config()
FORMS = {c["name"]: c for c in CONFIG["collections"]}
KIND_OF = {
    "news": "news",
    "localities": "locality",
    "partnerships": "partnership",
    "pages": "page",
    "regions": "region",
}


@pytest.mark.parametrize("form", sorted(KIND_OF))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_a_form_saves_passes_validation(form: str, data: st.DataObject) -> None:
    entry = pruned(data.draw(entry_of(FORMS[form]["fields"])))
    assume(fits_rules_across_fields(entry))
    text = markdown_file(entry)
    front = split_front_matter(text, "content/x/index.md")
    validate_front_matter(kind_named(KIND_OF[form]).schema, front, "content/x/index.md", TZ)


@pytest.mark.parametrize("title", ["=", "<<", "~", "null", "1_000", "yes"])
def test_a_title_the_form_writes_bare_reads_back_as_text(title: str) -> None:
    """Found by random runs: the editor writes YAML 1.2, where `title: =` is text (in
    YAML 1.1 "=" is a mapping's default value, which PyYAML cannot even construct)."""
    front = split_front_matter(f"---\ntitle: {title}\ndate: 2000-01-01\n---\n", "x.md")
    assert front.data["title"] == title or title in ("~", "null")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=entry_of(FORMS["news"]["fields"]).map(pruned))
def test_a_news_item_the_form_saves_builds(
    tmp_path_factory: pytest.TempPathFactory, entry: dict[str, Any]
) -> None:
    assume(fits_rules_across_fields(entry))
    entry = {**entry, "draft": False}
    site = make_site(
        tmp_path_factory.mktemp("site"),
        {
            "content/localities/zlutice.md": LOCALITY,
            "content/localities/valec.md": LOCALITY.replace("Žlutice", "Valeč"),
            "content/partnerships/zluticko.md": PARTNERSHIP,
            "content/news/2026-11-10-zprava/index.md": markdown_file(entry),
            "content/news/2026-11-10-zprava/foto.jpg": sample_file("foto.jpg"),
            "content/news/2026-11-10-zprava/zprava.pdf": sample_file("zprava.pdf"),
        },
    )
    options = dataclasses.replace(options_for(site), use_cache=False)
    build(options)
    moment = datetime.fromisoformat(entry["date"]).replace(tzinfo=TZ)
    page = site / "public" / "aktuality" / entry.get("slug", "zprava") / "index.html"
    assert page.is_file() == (moment <= options.now)
