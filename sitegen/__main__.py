"""`python -m sitegen`: the same as the root build.py."""

from sitegen.cli import run

run()
