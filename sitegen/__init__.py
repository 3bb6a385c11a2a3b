"""sitegen: the static site generator of the Agency for Social Inclusion's website."""

__version__ = "0.1.0"
