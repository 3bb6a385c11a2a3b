# The two commands of the README, and the steps they are made of.
# Each target creates the virtual environment (.venv) and installs sitegen first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
BROWSER_TOOLS := node_modules/.installed $(CHROMIUM)

.PHONY: preview site test lint typecheck golden bench messages clean

preview: $(VENV)/.installed  ## live preview of the sample site on http://127.0.0.1:$(PORT)/ (drafts shown)
	$(BIN)/python build.py serve --port $(PORT)

site: $(VENV)/.installed  ## build the sample site into public/
	$(BIN)/python build.py build

test: $(VENV)/.installed $(BROWSER_TOOLS) lint typecheck  ## the whole test suite: ruff, mypy, pytest (browser tests included)
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

golden: $(VENV)/.installed  ## regenerate the expected trees of tests/sites/*
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

bench: $(VENV)/.installed  ## time full builds of synthetic sites
	$(BIN)/python bench/run.py 1000 10000

# The message catalogs: extract the msgids from the code, merge them into the Czech and
# English catalogs, give English its msgids, compile. Then translate the new Czech
# entries (msgstr "") in sitegen/locale/cs/LC_MESSAGES/sitegen.po and run it again.
LOCALE := sitegen/locale
messages: $(VENV)/.installed  ## extract, update and compile the message catalogs
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords N_ --no-wrap \
		--project sitegen --copyright-holder "Agentura pro sociální začleňování" \
		--output-file $(LOCALE)/sitegen.pot .
	for lang in cs en; do \
		test -f $(LOCALE)/$$lang/LC_MESSAGES/sitegen.po \
		|| $(BIN)/pybabel init --domain sitegen --input-file $(LOCALE)/sitegen.pot \
			--output-dir $(LOCALE) --locale $$lang --no-wrap; \
		$(BIN)/pybabel update --domain sitegen --input-file $(LOCALE)/sitegen.pot \
			--output-dir $(LOCALE) --locale $$lang --no-wrap --no-fuzzy-matching \
			--ignore-obsolete; \
	done
	$(BIN)/python -m tests.catalogs
	$(BIN)/pybabel compile --domain sitegen --directory $(LOCALE) --statistics

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core and the Nu HTML Checker (vnu-jar), pinned in package-lock.json. vnu-jar's
# install script would download a Java runtime; the machine's Java is used instead.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Debian's Chromium for the browser tests; Playwright never downloads a browser.
$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

clean:
	rm -rf $(VENV) node_modules public test-artifacts .mypy_cache .ruff_cache .pytest_cache
