# Village Desk — the scriptable surface. `make run` and `make test` work on a fresh machine
# with Python 3.11 and make; everything else they need, they install.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: run install test browser lint mutants bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(APP_STAMP) $@

install: $(APP_STAMP)

run: $(APP_STAMP)
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins
	# The background worker (imports, exports) runs beside the server and stops with it.
	DEBUG=true $(PY) manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; Chinese text needs the Noto CJK fonts.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
		else \
			echo "Browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
		fi; \
	fi
	@# The attendance export test opens the .xlsx in LibreOffice Calc and the report test the .docx
	@# in LibreOffice Writer (each skipped without it, except on CI).
	@if ! command -v soffice >/dev/null 2>&1 || ! ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui >/dev/null; \
		else \
			echo "The export and report tests need LibreOffice: sudo apt-get install libreoffice-calc-nogui libreoffice-writer-nogui (skipped until then)" >&2; \
		fi; \
	fi

test: $(DEV_STAMP) browser
	$(PY) manage.py compile_translations >/dev/null
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || (echo "Model changes without a migration" >&2; exit 1)
	$(VENV)/bin/lint-imports --no-cache >/dev/null || $(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Style, formatting, the app layers (import-linter, contract in pyproject.toml) and migrations.
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

# Mutation testing of the permission, scoping and masking modules (mutmut, set up in
# pyproject.toml) against the fast tests that cover them; fails when a mutant survives.
mutants: $(DEV_STAMP)
	rm -rf mutants
	$(PY) manage.py compile_translations >/dev/null
	$(VENV)/bin/mutmut run --max-children 2
	@$(VENV)/bin/mutmut results > mutants/not-killed.txt
	@if [ -s mutants/not-killed.txt ]; then \
		echo "Mutants not killed (see each with .venv/bin/mutmut show NAME):" >&2; \
		cat mutants/not-killed.txt >&2; exit 1; \
	fi
	@echo "Every mutant killed."

bench: $(DEV_STAMP) browser
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

screenshots: $(DEV_STAMP) browser
	@# A report's first page is drawn from its PDF by Poppler's pdftoppm.
	@command -v pdftoppm >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null; } || echo "The report's screenshot needs pdftoppm: sudo apt-get install poppler-utils" >&2
	$(PY) tools/screenshots.py
	SCREENSHOTS=docs/screenshots $(PY) -m pytest -m browser -p no:xdist -q

clean:
	rm -rf $(VENV) var
