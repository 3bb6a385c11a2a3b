"""Render stage, the theme's texts written in Python: labels the filters show.

Their msgids (Czech, like the templates') go into the theme's catalogue with the
templates' texts (`make theme-messages` extracts `T_()` from this module only); the
filters translate them in the page's language (languages.py).
"""

from __future__ import annotations


def T_(message: str) -> str:
    """Mark a theme text for the theme's catalogue; return it unchanged."""
    return message


STATUS_LABELS = {
    "planned": T_("Plánovaná spolupráce"),
    "active": T_("Probíhající spolupráce"),
    "ended": T_("Ukončená spolupráce"),
}
"""A locality's status as the theme names it (the msgids of its label)."""
