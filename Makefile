# Two commands do all the set-up: `make example` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: example test bench clean-venv

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Plan the embedded example county; the report lands in reports/baseline/report.html.
example: $(VENV)/.installed
	$(BIN)/consolidation run scenarios/baseline.toml

test: $(VENV)/.installed
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
