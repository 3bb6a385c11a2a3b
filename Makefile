# The two commands of the README, and the steps they are made of.
# Each target creates the virtual environment (.venv) and installs sitegen first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
BROWSER_TOOLS := node_modules/.installed $(CHROMIUM)
COMPILED := sitegen/__pycache__/.compiled

PIP_TOOLS := pip-tools==7.5.3
LOCK_OPTIONS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links

.PHONY: preview site test lint typecheck golden bench lock messages theme-messages clean

# SITEGEN_VIA_MAKE: a busy port is then named as `make preview PORT=8001`, not as --port.
preview: $(VENV)/.installed $(COMPILED)  ## live preview of the sample site on http://127.0.0.1:$(PORT)/ (drafts shown)
	SITEGEN_VIA_MAKE=1 $(BIN)/python build.py serve --port $(PORT)

site: $(VENV)/.installed $(COMPILED)  ## build the sample site into public/
	$(BIN)/python build.py build

# pytest-xdist runs the tests in one process per core; the tests of one xdist_group
# (those that build the sample site with its cache) run in one of them, one at a time.
# mypy checks beside them (about 6 s of one core on a fresh clone, without its cache,
# while pytest's workers start); the target fails when either fails.
test: $(VENV)/.installed $(COMPILED) $(BROWSER_TOOLS) lint  ## the whole test suite: ruff, mypy, pytest (browser tests included)
	$(BIN)/mypy & typecheck=$$!; \
	$(BIN)/python -m pytest --numprocesses auto --dist loadgroup; tests=$$?; \
	wait $$typecheck && exit $$tests

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

golden: $(VENV)/.installed  ## regenerate the expected trees of tests/sites/*
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

bench: $(VENV)/.installed $(COMPILED)  ## time full builds of synthetic sites
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

# The theme's catalogues (templates/locale, README "The theme in English"): extract the texts of
# the templates (their msgids are the Czech texts), merge them into the English catalogue
# and the Czech one (which holds only the three Czech plural forms). Then translate the new
# entries (msgstr "") and run it again. The build reads the .po files themselves.
THEME_LOCALE := templates/locale
theme-messages: $(VENV)/.installed  ## extract the theme's texts and update its catalogues
	$(BIN)/pybabel extract --mapping-file babel-theme.cfg --no-default-keywords \
		--keywords _ --keywords gettext --keywords ngettext:1,2 --keywords T_ --no-wrap \
		--project sitegen-theme --copyright-holder "Agentura pro sociální začleňování" \
		--output-file $(THEME_LOCALE)/theme.pot .
	for lang in cs en; do \
		test -f $(THEME_LOCALE)/$$lang/LC_MESSAGES/theme.po \
		|| $(BIN)/pybabel init --domain theme --input-file $(THEME_LOCALE)/theme.pot \
			--output-dir $(THEME_LOCALE) --locale $$lang --no-wrap; \
		$(BIN)/pybabel update --domain theme --input-file $(THEME_LOCALE)/theme.pot \
			--output-dir $(THEME_LOCALE) --locale $$lang --no-wrap --no-fuzzy-matching \
			--ignore-obsolete; \
	done


# Every library at the version and hash of requirements-dev.lock; then sitegen itself,
# built by the locked setuptools, without fetching anything more.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# sitegen's modules compiled to bytecode, as pip compiles every library it installs:
# where PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile them again at
# every start (measured: 25 ms of each build). A stale file is never used (Python
# checks each source's modification time), and this rule makes them again.
$(COMPILED): $(VENV)/.installed $(shell find sitegen -name '*.py')
	$(BIN)/python -m compileall -q sitegen
	touch $@

# pip-tools 7.5 breaks with pip 25.3 and later, so it runs in a venv of its own with
# the pip it works with; the project's venv keeps whatever pip it has.
LOCK_VENV := .venv-lock
lock:  ## pin every dependency of pyproject.toml with hashes (after changing it)
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet 'pip==25.0.1' '$(PIP_TOOLS)'
	$(LOCK_VENV)/bin/pip-compile $(LOCK_OPTIONS) --output-file requirements.lock pyproject.toml
	$(LOCK_VENV)/bin/pip-compile $(LOCK_OPTIONS) --extra dev --output-file requirements-dev.lock pyproject.toml

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

# The Czech stemmer the search page runs on queries: Snowball 3.1.1's Czech algorithm
# compiled to WebAssembly, copied from the npm package at a pinned version and checked
# against its published integrity, with the package's licence put at the top of the script.
STEMMER_PACKAGE := multilingual-stemmer@2.1.1
STEMMER_INTEGRITY := sha512-fY+XKW/i83Q7YJc2oEmc9zzxfQJaKc5s7Bebae4dx99DsqBeu8hWGNhkj4UvRWuSC/26yj2uGcRTCIvxkxouRQ==
STEMMER_DIR := static/js/vendor/multilingual-stemmer

.PHONY: vendor-stemmer
vendor-stemmer:  ## copy the pinned Czech query stemmer into static/js/vendor
	rm -rf build/stemmer && mkdir -p build/stemmer $(STEMMER_DIR)
	cd build/stemmer && npm pack --silent $(STEMMER_PACKAGE) > name.txt
	cd build/stemmer && echo "$(STEMMER_INTEGRITY)" | sed 's/^sha512-//' | base64 -d | od -An -tx1 | tr -d ' \n' > expected.txt
	cd build/stemmer && test "$$(sha512sum "$$(cat name.txt)" | cut -d' ' -f1)" = "$$(cat expected.txt)"
	cd build/stemmer && tar xzf "$$(cat name.txt)"
	{ printf '/*! %s: Snowball 3.1.1 stemmers compiled to WebAssembly (index_bg.wasm).\n' "$(STEMMER_PACKAGE)"; \
	  sed 's/^/ * /; s/ *$$//' build/stemmer/package/LICENSE; \
	  printf ' * The Snowball algorithms: BSD-3-Clause, https://snowballstem.org/license.html\n */\n'; \
	  cat build/stemmer/package/dist/browser/index.js; } > $(STEMMER_DIR)/index.js
	cp build/stemmer/package/dist/browser/index_bg.wasm $(STEMMER_DIR)/index_bg.wasm
	cp build/stemmer/package/LICENSE $(STEMMER_DIR)/LICENSE.txt

# The same stemmer as a small ES module, which the search page is to load instead of the
# WebAssembly above: Snowball 3.1.1's Czech algorithm (algorithms/czech.sbl) compiled to
# JavaScript by the Snowball compiler of the same release, with Snowball's JavaScript
# runtime (base-stemmer.js) and its licence. The source is the release's tagged commit,
# checked by its id; the files written are checked against their sha256, so the copy in
# the repository is exactly what that release compiles. SNOWBALL_GIT may name a local
# clone of Snowball's repository instead.
SNOWBALL_GIT ?= https://github.com/snowballstem/snowball.git
SNOWBALL_TAG := v3.1.1
SNOWBALL_COMMIT := cd195b51e948a902a4312f023f4a14392516a543
SNOWBALL_CZECH_DIR := static/js/vendor/snowball-czech
SNOWBALL_CZECH_SHA256 := \
	55c7f42589587ac7ac5bcf4db748435d68166e99eed9c7ceaa965e988be8276f czech-stemmer.js \
	bf6f03e1a0d29d9e6e669a3a13069187e4095a8c67251e475f5b6b2102974e26 base-stemmer.js \
	880802872ce34f313df826e96131b1b147dcfa09c76fc82129f25503a922a678 LICENSE.txt

.PHONY: vendor-stemmer-js
vendor-stemmer-js:  ## compile the pinned Snowball Czech stemmer to JavaScript into static/js/vendor
	rm -rf build/snowball && mkdir -p build
	git clone --quiet --branch $(SNOWBALL_TAG) $(SNOWBALL_GIT) build/snowball
	test "$$(git -C build/snowball rev-parse HEAD)" = "$(SNOWBALL_COMMIT)"
	$(MAKE) --no-print-directory -C build/snowball snowball > build/snowball/compiler.log
	rm -rf $(SNOWBALL_CZECH_DIR) && mkdir -p $(SNOWBALL_CZECH_DIR)
	build/snowball/snowball build/snowball/algorithms/czech.sbl -js \
		-o $(SNOWBALL_CZECH_DIR)/czech-stemmer
	cp build/snowball/javascript/base-stemmer.js $(SNOWBALL_CZECH_DIR)/base-stemmer.js
	cp build/snowball/COPYING $(SNOWBALL_CZECH_DIR)/LICENSE.txt
	cd $(SNOWBALL_CZECH_DIR) && printf '%s  %s\n' $(SNOWBALL_CZECH_SHA256) | sha256sum --check --quiet

# The web editor of /admin/ (docs/webovy-editor.md): Decap CMS's one bundled script,
# copied from the npm package at a pinned version and checked against its published
# integrity. The build publishes it only for a site.yaml with a `cms:` block, and checks
# it against DECAP_SHA256 in sitegen/plan/admin.py (say the new digest there).
DECAP_PACKAGE := decap-cms@3.16.3
DECAP_INTEGRITY := sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==
DECAP_DIR := sitegen/vendor/decap-cms

.PHONY: vendor-decap
vendor-decap:  ## copy the pinned web editor (Decap CMS) into sitegen/vendor/decap-cms
	rm -rf build/decap && mkdir -p build/decap $(DECAP_DIR)
	cd build/decap && npm pack --silent $(DECAP_PACKAGE) > name.txt
	cd build/decap && echo "$(DECAP_INTEGRITY)" | sed 's/^sha512-//' | base64 -d | od -An -tx1 | tr -d ' \n' > expected.txt
	cd build/decap && test "$$(sha512sum "$$(cat name.txt)" | cut -d' ' -f1)" = "$$(cat expected.txt)"
	cd build/decap && tar xzf "$$(cat name.txt)"
	cp build/decap/package/dist/decap-cms.js $(DECAP_DIR)/decap-cms.js
	{ printf '%s: MIT licence (its package.json),\nhttps://github.com/decaporg/decap-cms/blob/main/LICENSE\n\n' "$(DECAP_PACKAGE)"; \
	  printf 'The licences of the libraries bundled in decap-cms.js:\n\n'; \
	  cat build/decap/package/dist/decap-cms.js.LICENSE.txt; } > $(DECAP_DIR)/LICENSE.txt
	sha256sum $(DECAP_DIR)/decap-cms.js
