"""`python -m sitegen`: the same as the root build.py."""

from sitegen.commands.cli import run

run()
