"""What a public body's site owes its readers (issue 22, points 6 and 7): `check` warns
on contacts of the old Office of the Government, on an accessibility statement with a
phone only and on missing addresses of the ministry's pages the law asks for; the
footer links those pages once they are filled in and says that the site sets no cookies.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sitegen.commands.duties import is_outdated_email, is_outdated_phone
from tests.conftest import LOCALITY, REPO, SITE_YAML, Run, make_site
from tests.htmlpages import parse_page

NEWS = "---\ntitle: Zpráva\ndate: 2020-01-01\nnational: true\n---\nText zprávy.\n"
OLD_CONTACT = (
    "contact:\n  name: Sekretariát\n  phone: +420 296 153 318\n  email: sekretariatasz@vlada.cz\n"
)
PARENT = """\
parent:
  name: Ministerstvo pro místní rozvoj ČR
  url: https://mmr.gov.cz/
"""
PHONE_ONLY = (
    SITE_YAML.replace(
        "  contact_email: pristupnost@example.cz\n", "  contact_phone: +420 777 787 974\n"
    )
    + PARENT
)
LEGAL = (
    PARENT
    + """\
legal:
  mandatory_information: https://mmr.gov.cz/povinne-informace
  whistleblowing: https://mmr.gov.cz/oznamovatele
  personal_data: https://mmr.gov.cz/gdpr
"""
)


def site_of(tmp_path: Path, files: dict[str, str]) -> Path:
    site = make_site(tmp_path / "site", {"content/news/2020-01-01-zprava.md": NEWS, **files})
    shutil.copytree(REPO / "static", site / "static")
    return site


def warnings_of(run: Run, where: str) -> list[str]:
    """Return the warnings about where that come from these checks (not the map's)."""
    return [
        line
        for line in run.err.splitlines()
        if line.startswith(f"warning: {where}") and "coordinates" not in line
    ]


def test_old_office_contacts_and_a_phone_only_statement_are_warnings(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    locality = LOCALITY.replace("---\nMalé", OLD_CONTACT + "---\nMalé", 1)
    site = site_of(tmp_path, {"site.yaml": PHONE_ONLY, "content/localities/zlutice.md": locality})
    result = run_cli("check", "--source", site)
    assert result.status == 0, result.err
    assert warnings_of(result, "content/localities/zlutice.md") == [
        "warning: content/localities/zlutice.md: contact.email: sekretariatasz@vlada.cz is an "
        "address of the Office of the Government, where the agency was until 2019; write the "
        "current one or leave the field out",
        "warning: content/localities/zlutice.md: contact.phone: +420 296 153 318 is a number of "
        "the Office of the Government, where the agency was until 2019; write the current one "
        "or leave the field out",
    ]
    assert warnings_of(result, "site.yaml") == [
        "warning: site.yaml: accessibility.contact_email: empty: the accessibility statement "
        "offers readers only a phone to report a barrier; add an e-mail address "
        "(contact_email) or a web form (contact_form)",
        *(
            f"warning: site.yaml: legal.{name}: empty: the footer links this page of the "
            "ministry only once its address is filled in"
            for name in ("mandatory_information", "personal_data", "whistleblowing")
        ),
    ]


def test_filled_settings_leave_check_quiet_and_the_footer_links_the_ministry(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {"site.yaml": SITE_YAML + LEGAL})
    result = run_cli("check", "--source", site)
    assert result.status == 0, result.err
    assert warnings_of(result, "site.yaml") == []
    assert run_cli("build", "--source", site).status == 0
    home = parse_page(site / "public" / "index.html")
    for url in (
        "https://mmr.gov.cz/povinne-informace",
        "https://mmr.gov.cz/oznamovatele",
        "https://mmr.gov.cz/gdpr",
    ):
        assert url in home.hrefs
    assert "Povinně zveřejňované informace" in home.text
    assert "Ochrana oznamovatelů" in home.text
    assert "Ochrana osobních údajů" in home.text
    assert "žádné cookies" in home.text


def test_old_office_numbers_and_addresses_are_recognised() -> None:
    assert is_outdated_phone("+420 296 153 318")
    assert is_outdated_phone("296153318")
    assert not is_outdated_phone("+420 777 787 974")
    assert not is_outdated_phone("+420 224 861 111")
    assert is_outdated_email("sekretariatasz@vlada.cz")
    assert is_outdated_email("Nekdo@Kancelar.Vlada.cz")
    assert not is_outdated_email("info@mmr.gov.cz")
    assert not is_outdated_email("vlada.cz@example.cz")
