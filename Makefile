# Two commands do all the set-up: `make example` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: example test bench clean-venv system

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# System packages: a CJK font so Chinese reports, maps and PDFs (--lang zh) draw every character,
# and Chromium, which prints every run's report.pdf (without it a plainer PDF is written, with a
# warning) and runs the tests that open pages in a real browser. Installed with apt-get
# when it exists and we are root; otherwise this prints what to install and carries on.
SYSTEM_PACKAGES = fonts-noto-cjk chromium
system:
	@if fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && command -v chromium >/dev/null 2>&1; then \
	  echo "system: Noto Sans CJK font and chromium found"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "system: apt-get install -y $(SYSTEM_PACKAGES)"; \
	  (apt-get update && apt-get install -y $(SYSTEM_PACKAGES)) || \
	  echo "system: apt-get failed; install $(SYSTEM_PACKAGES) by hand (Chinese text needs the font)"; \
	else \
	  echo "system: please install a CJK font and Chromium, e.g. 'sudo apt-get install $(SYSTEM_PACKAGES)'"; \
	  echo "        (other systems: Noto Sans CJK SC and Chromium). Without the font, Chinese text"; \
	  echo "        in maps and PDFs shows as boxes; without Chromium, report.pdf is a plainer PDF and"; \
	  echo "        the browser tests are skipped."; \
	fi

# Plan the embedded example county; the report lands in reports/baseline/report.html.
example: $(VENV)/.installed
	$(BIN)/consolidation run scenarios/baseline.toml

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# Every benchmark table (published optima, spopt side by side, scaling, a province), about 7 minutes.
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean-venv:
	rm -rf $(VENV)
