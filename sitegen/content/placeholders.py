"""The sample text that `sitegen new` writes into a body, found where it was left.

Input: a front matter's body (and where it starts). Output: the lines that are still
the skeleton's sample text (content/skeletons.py), each as a Problem that says what
to write instead. The link stage makes them errors of a published item and warnings
of a draft.
"""

from __future__ import annotations

from sitegen.base.errors import Problem
from sitegen.base.i18n import _
from sitegen.content.frontmatter import FrontMatter
from sitegen.content.skeletons import (
    LOCALITY_SKELETON,
    NEWS_SKELETON,
    PAGE_SKELETON,
    PARTNERSHIP_SKELETON,
)


def _sample_lines(skeleton: str) -> list[str]:
    """Return the lines of text of a skeleton's body (not its headings)."""
    body = skeleton.split("\n---\n", 1)[1]
    return [line for line in body.splitlines() if line.strip() and not line.startswith("#")]


SAMPLE_TEXTS = frozenset(
    line
    for skeleton in (NEWS_SKELETON, LOCALITY_SKELETON, PARTNERSHIP_SKELETON, PAGE_SKELETON)
    for line in _sample_lines(skeleton)
)
"""Every line of sample text that `new` writes, as it writes it."""
EARLIER_SAMPLES = {"Text zprávy.": "## Podrobnosti"}
"""The sample text of earlier skeletons that is plain enough to be real text: a sample
only under the heading the skeleton put above it."""

_ANY_SAMPLE = (*SAMPLE_TEXTS, *EARLIER_SAMPLES)


def placeholder_problems(front: FrontMatter, rel_path: str) -> list[Problem]:
    """Return a Problem for each line of the body that is still the sample text of `new`."""
    if not any(text in front.body for text in _ANY_SAMPLE):  # the common case, at C speed
        return []
    problems = []
    above = ""
    for number, line in enumerate(front.body.split("\n"), front.body_line):
        text = line.strip()
        if text in SAMPLE_TEXTS or (text in EARLIER_SAMPLES and above == EARLIER_SAMPLES[text]):
            message = _(
                "{text!r} is the sample text of `sitegen new`: write the item's own text here"
            ).format(text=text)
            problems.append(Problem(rel_path, number, "", message))
        above = text or above
    return problems
