"""What `sitegen new` writes for each kind: str.format templates of a new content file.

Input: nothing (text). Output: one template per kind that `new` writes, with the fields
title, now, slug, placeholder, region, regions, locality and partnership (filled in by
sitegen/commands/scaffold.py). The table of kinds (content/kinds.py) says which kind takes which.
"""

NEWS_SKELETON = """\
---
title: {title}
date: {now:%Y-%m-%dT%H:%M}
draft: true  # smažte, až má být zpráva zveřejněná
# updated: {now:%Y-%m-%d}
# summary: Perex: jedna nebo dvě věty o tom, co se stalo.
# place: Praha
# tags: [bydlení, zaměstnanost]
# regions: [{region}]
# localities: [{locality}]
# partnerships: [{partnership}]
# national: true  # zpráva se týká celé republiky, ne jednoho kraje
# image: foto.jpg  # soubor ve složce zprávy (složka s index.md) nebo /img/... ze static/
# image_alt: Co je na fotografii
# image_caption: Popisek pod fotografií
# documents:
#   - title: Tisková zpráva
#     file: tiskova-zprava.pdf
# source: Tisková zpráva Ministerstva pro místní rozvoj
# author: Jméno Příjmení
# slug: {slug}
---
Úvodní odstavec zprávy.

## Podrobnosti

Text zprávy: podrobnosti, citace, kontakt pro novináře.
"""

LOCALITY_SKELETON = """\
---
title: {title}
draft: true  # smažte, až má být lokalita zveřejněná
region: {placeholder}  # id kraje: {regions}
status: planned  # active (probíhá), planned (připravuje se), ended (ukončena)
# kind: obec  # město, obec, mikroregion, městská část
# population: 5000
# cooperation_since: {now:%Y-%m-%d}
# cooperation_until: {now:%Y-%m-%d}
# partnership: {partnership}
# coordinates: [50.08, 14.42]
# slug: {slug}
---
Popis lokality.
"""

PARTNERSHIP_SKELETON = """\
---
title: {title}
draft: true  # smažte, až má být partnerství zveřejněné
localities: [{placeholder}]  # názvy souborů z content/localities/ bez .md, např. [{locality}]
# founded: {now:%Y-%m-%d}
# convener: Agentura pro sociální začleňování
# contact:
#   name: Jméno Příjmení
#   email: jmeno.prijmeni@example.cz
#   phone: +420 224 002 000
# members:
#   - name: Město
#     roles: [starosta]
# documents:
#   - title: Strategický plán
#     file: strategicky-plan.pdf
# slug: {slug}
---
Popis partnerství.
"""

PAGE_SKELETON = """\
---
title: {title}
draft: true  # smažte, až má být stránka zveřejněná
# menu: 50  # pořadí v hlavní nabídce; bez klíče stránka v nabídce není
# summary: Jedna věta o obsahu stránky.
# slug: {slug}
---
Text stránky: co na ní čtenář najde.
"""

TRANSLATION_SKELETON = """\
---
# Anglický překlad souboru {original} („{original_title}“).
# Datum, kraje, lokality, fotografie, dokumenty i stav (koncept) se berou z originálu;
# překlad má jen titulek, perex (summary) a adresu (slug).
title: {placeholder}  # anglický titulek; do té doby se web nesestaví
{summary}# slug: {slug}  # adresa /en/…/{slug}/; bez ní se vezme z anglického titulku
---
The English text.
"""
"""What `new KIND ORIGINAL --translation en` writes beside the original (the fields
original, original_title, placeholder, summary (a commented line, or "" for a kind
without a summary) and slug)."""
TRANSLATION_SUMMARY = "# summary: One or two sentences in English.\n"
"""The summary line of a translation's skeleton, for the kinds that take a summary."""
