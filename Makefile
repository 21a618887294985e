# Two entry points: `make site` builds the sample edition, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test fuzz bench serve clean catalogues kills

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e '.[bench]'
	touch $@ $(VENV)/.installed

site: $(VENV)/.installed
	$(BIN)/edition build .
	@echo "The site is in _site/ (open _site/index.html); preview it with: $(BIN)/edition serve ."

test: $(VENV)/.installed-test
	tools/install-test-deps
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests
	$(BIN)/mypy generator
	$(BIN)/pytest

# A long run of the property-based tests (apparatus fidelity, no exceptions on any input).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fidelity.py

# Updates killed at many more moments than in `make test` (60 instead of 8), each checked to leave the old site or the new.
kills: $(VENV)/.installed-test
	EDITION_KILL_MOMENTS=60 $(BIN)/pytest -q tests/test_all_or_nothing.py -k killed

# The benchmark (synthetic editions of 1,000 and 10,000 documents, then the real edition REAL_CORPUS,
# each with Hugo on the same Markdown); not part of `make test`. BENCH_ARGS passes options to the
# synthetic part (e.g. BENCH_ARGS=--large for 100,000), BENCH_REAL_ARGS to the real one.
REAL_CORPUS ?= ../shared/corpora/frus-1958-63.tar.xz
bench: $(VENV)/.installed-bench
	$(BIN)/python -m generator.bench $(BENCH_ARGS)
	$(BIN)/python -m generator.bench_real $(REAL_CORPUS) $(BENCH_REAL_ARGS)

# After adding or changing a theme string: update the message template and the catalogues.
catalogues: $(VENV)/.installed
	$(BIN)/python tools/catalogues.py

serve: $(VENV)/.installed
	$(BIN)/edition serve .

clean:
	rm -rf _site .edition-cache test-output bench-output
