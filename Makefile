# The two commands of the README, and the steps they are made of.
# Each target creates the virtual environment (.venv) and installs sitegen first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: preview site test lint typecheck golden bench clean

preview: site  ## build the sample site into public/ and serve it on http://127.0.0.1:$(PORT)/
	@echo "Preview: open http://127.0.0.1:$(PORT)/ in a browser (Ctrl-C stops)."
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory public $(PORT)

site: $(VENV)/.installed  ## build the sample site into public/
	$(BIN)/python build.py build

test: $(VENV)/.installed lint typecheck  ## the whole test suite: ruff, mypy, pytest
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

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) public .mypy_cache .ruff_cache .pytest_cache
