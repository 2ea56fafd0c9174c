# Two commands: `make run` serves the platform on SQLite, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export TMPDIR := $(CURDIR)/var/tmp

.PHONY: run test lint bench bench-large init clean i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Tremplin needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

init: $(VENV)/.installed
	@install -d -m 700 var var/tmp
	$(BIN)/tremplin init --demo

run: init
	$(BIN)/tremplin serve

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	@install -d -m 700 var var/tmp
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	@install -d -m 700 var var/tmp
	$(BIN)/python -m tests.bench.import_rate
	$(BIN)/python -m tests.bench.projections_rates
	$(BIN)/python -m tests.bench.page_weight
	$(BIN)/python -m tests.bench.audit_costs
	$(BIN)/python -m tests.bench.feed_rates

bench-large: $(VENV)/.installed-dev  # about 10 minutes: a million simulated events
	@install -d -m 700 var var/tmp
	$(BIN)/python -m tests.bench.simulated_log

# After adding or changing a _("…") in web/: refresh the catalogues, then translate the new
# (empty or fuzzy) entries of web/locale/fr/LC_MESSAGES/messages.po.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -o web/locale/messages.pot .
	$(BIN)/pybabel update -i web/locale/messages.pot -d web/locale

clean:
	rm -rf $(VENV) var
