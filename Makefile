# The README's commands. Each target sets up .venv itself, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint catalog clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tokencensus demo --out demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/tokencensus bench

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

catalog: $(STAMP)
	$(BIN)/python scripts/build_catalog.py
	$(BIN)/python scripts/build_countries.py

clean:
	rm -rf $(VENV) demo sim bench-out
