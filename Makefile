# The two commands: `make demo` and `make test`. Both create .venv and install what
# they need; `make test` also installs the system packages the suite needs (as root).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KEYWORD ?= beekeeping

.PHONY: demo test lint unit install install-test system-packages bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/prospector demo --keyword "$(KEYWORD)"

system-packages:
	@bash scripts/system-packages.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: install-test
	$(BIN)/python -m pytest

test: install-test system-packages lint unit

# bench/memory.py runs with --quick here (2,000 and 5,000 pages); its full run (5,000,
# 20,000 and 50,000 pages) takes several minutes: `$(BIN)/python bench/memory.py`.
bench: install-test
	@for script in bench/extract.py bench/store.py bench/bench_report.py bench/scaleout.py \
			bench/crawl.py "bench/memory.py --quick"; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Mutation testing (mutmut) of the modules where a silent error costs most, each against
# its fast unit tests; kill rate per module (scripts/mutate.py). Minutes; not in CI.
$(VENV)/.installed-mutate: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $@

mutate: $(VENV)/.installed-mutate
	$(BIN)/python scripts/mutate.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
