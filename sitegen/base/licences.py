"""The licences open data may be published under: their SPDX id, address and Czech name.

site.yaml's `open_data: licence:` names one by its SPDX id (config.py checks it); the
open-data files and their page (plan/opendata.py, render/opendata.py) give its address
and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence of open data."""

    spdx: str
    """Its SPDX id, as site.yaml writes it: "CC-BY-4.0"."""
    url: str
    """Its official address, which catalogues recognise."""
    name: str
    """Its Czech name."""


CC_BY = Licence(
    "CC-BY-4.0",
    "https://creativecommons.org/licenses/by/4.0/",
    "Creative Commons Uveďte původ 4.0 Mezinárodní",
)
"""The licence of factual data the Czech open-data rules recommend: use with attribution."""
CC0 = Licence(
    "CC0-1.0",
    "https://creativecommons.org/publicdomain/zero/1.0/",
    "Creative Commons CC0 1.0 Univerzální (volné dílo)",
)
"""No conditions at all: the data are given to the public domain."""

LicenceId = Literal["CC-BY-4.0", "CC0-1.0"]
"""The SPDX ids site.yaml may write (a test checks that LICENCES has each)."""
LICENCES: dict[str, Licence] = {licence.spdx: licence for licence in (CC_BY, CC0)}
"""Every licence site.yaml may name, by SPDX id."""
