"""`python build.py ...` is `sitegen ...`: see README.md."""

from sitegen.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
