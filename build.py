"""`python build.py ...` is `sitegen ...`: see README.md."""

from sitegen.commands.cli import run

if __name__ == "__main__":
    run()
