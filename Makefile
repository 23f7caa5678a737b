# Mängelmelder Sachsen — two commands: `make run` and `make test` (see README.md).
# Every step is idempotent: a second run checks, reuses and starts in seconds.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# config/wsgi.py defaults to production settings, and so does manage.py unless the .env written by
# `make setup` (scripts/ensure_db.py: DJANGO_SETTINGS_MODULE=config.settings.dev) says otherwise; every
# target here is development (the test target and pytest's --ds in pyproject.toml choose
# config.settings.test). A value from the environment wins, for the targets and for manage.py.
DJANGO_SETTINGS_MODULE ?= config.settings.dev
export DJANGO_SETTINGS_MODULE

VENV  := .venv
PY    := $(VENV)/bin/python
LOCK  := requirements/dev.txt
# The stamp's name carries a hash of everything that defines the venv, so a changed lock file rebuilds it.
VENV_STAMP := $(VENV)/.stamp-$(shell cat $(LOCK) pyproject.toml .python-version 2>/dev/null | sha256sum | cut -c1-16)

.PHONY: audit help refresh-standards run test setup system system-browser venv db data static messages node lint format lock stop-db backup restore-drill cluster-test

help:
	@echo "make run   – installieren (falls nötig), Datenbank, Migrationen, Daten, dann http://127.0.0.1:8000"
	@echo "make test  – installieren (falls nötig), ruff, Schichtenregeln (lint-imports) und pytest gegen echtes PostGIS"
	@echo "make backup        – Datenbank (pg_dump) und Dateien mit Prüfsummen nach .local/backups/<Zeit>/ (BACKUP_DIR=…)"
	@echo "make restore-drill – neueste (oder BACKUP=…) Sicherung probeweise wiederherstellen und prüfen"
	@echo "make refresh-standards – Schemas/Shapes der Standards neu herunterladen (Internet; OGC_REF=…)"

run: setup static
	@scripts/serve.sh

test: system-browser setup node
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest

setup: system venv db data

system:
	@scripts/system-packages.sh

system-browser:
	@scripts/system-packages.sh --with-browser

venv: $(VENV_STAMP)

$(VENV_STAMP):
	@py="$$(scripts/find-python.sh)"; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo ">> Erzeuge $(VENV) mit $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	@echo ">> Installiere Python-Pakete aus $(LOCK)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	@rm -f $(VENV)/.stamp-*
	@touch $@

db: venv
	@$(PY) scripts/ensure_db.py

data: db messages
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py createcachetable
	@$(PY) manage.py load_communes
	@$(PY) manage.py load_categories
	@$(PY) manage.py load_permit_catalogue --demo

# English UI: compile each .po whenever it is newer than its .mo (GNU gettext's msgfmt, a Debian package).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
messages: $(MO_FILES)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@echo ">> Übersetze $<"
	@msgfmt --check -o $@ $<

# axe-core for the browser tests (and the npm copies of the vendored map libraries): npm ci only when
# package-lock.json changed since the last install.
node: node_modules/.package-lock.json
node_modules/.package-lock.json: package-lock.json package.json
	@echo ">> Installiere npm-Pakete (nur für die Tests)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

STATIC_STAMP := staticfiles/.stamp-$(shell (cat $(LOCK); find static -type f -print0 | sort -z | xargs -0 -r sha256sum) | sha256sum | cut -c1-16)
static: $(STATIC_STAMP)
$(STATIC_STAMP):
	@echo ">> Sammle statische Dateien"
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@rm -f staticfiles/.stamp-*
	@touch $@

# Known vulnerabilities in the pinned dependencies (PyPI advisory data). Fails on any finding; packages
# the advisory service cannot be reached for are listed, not silently passed (see docs/security.md).
audit: venv
	$(VENV)/bin/pip-audit -r $(LOCK) --no-deps --disable-pip --progress-spinner off

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Re-resolve the pinned versions after editing pyproject.toml.
lock: venv
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml

# Backups (shared/operations/, docs/operations.md). DJANGO_SETTINGS_MODULE may be overridden for production.
OPS_SETTINGS ?= config.settings.dev
backup: setup
	DJANGO_SETTINGS_MODULE=$(OPS_SETTINGS) $(PY) manage.py backup $(if $(BACKUP_DIR),--dest $(BACKUP_DIR))

restore-drill: setup
	DJANGO_SETTINGS_MODULE=$(OPS_SETTINGS) $(PY) manage.py restore_drill $(BACKUP)

# Two app nodes in network namespaces behind nginx, primary + replica, Redis, S3, one node killed
# (bench/load/cluster_test.py, root only; not part of `make test`). Writes its section of docs/benchmarks.md.
cluster-test: setup
	$(PY) bench/load/cluster_test.py $(CLUSTER_ARGS)

# The standards' own schema and shape files used by tests/conformance/ (OGC API – Features JSON schemas,
# GovData's DCAT-AP.de SHACL profile), downloaded again. Needs internet, so not part of `make test`;
# afterwards run tests/conformance/, review `git diff` and update the commits in their README.md files.
refresh-standards: venv
	scripts/refresh-ogc-schemas.sh $(OGC_REF)
	scripts/refresh-dcat-shapes.sh

stop-db:
	@if [ -e .local/pg/data/PG_VERSION ]; then runuser -u postgres -- $$(ls -d /usr/lib/postgresql/*/bin | tail -1)/pg_ctl -D .local/pg/data stop; fi
