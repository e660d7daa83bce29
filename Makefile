# Les emplois de l'inclusion — developer commands. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | (sha1sum 2>/dev/null || shasum) | cut -c1-12)

.PHONY: run test install db db-stop lint format manage bench cluster s3

# Install the pinned dependencies once (again only when requirements.txt changes).
$(STAMP): requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 ou plus récent est nécessaire."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## make run: install, start the local database, migrate, load reference and demo data, serve on :8000 with the worker
run: $(STAMP)
	$(PY) scripts/dev.py run

## make test: the whole test suite on a real PostgreSQL (ARGS="-k login" to filter)
test: $(STAMP)
	$(PY) scripts/dev.py test $(ARGS)

## make db: start the local PostgreSQL and print its URL; make db-stop: stop it
db: $(STAMP)
	$(PY) scripts/localdb.py start

db-stop: $(STAMP)
	$(PY) scripts/localdb.py stop

## make manage ARGS="shell": any manage.py command against the local database
manage: $(STAMP)
	$(PY) scripts/dev.py manage $(ARGS)

## make bench: the France-scale tests (pytest -m slow), then query-level benchmark and load test on the France-scale database (BENCH_DATABASE_URL; see docs/performance.md)
bench: $(STAMP)
	$(PY) scripts/dev.py test -m slow -n 0
	$(PY) bench/run.py
	$(PY) bench/load.py

## make cluster: PostgreSQL, 2 gunicorn behind HAProxy, 2 workers and SeaweedFS on this machine (ARGS=--fault-test: the fault test, bench/results/)
cluster: $(STAMP)
	$(PY) bench/cluster.py $(ARGS)

## make s3: a local S3 store (SeaweedFS) on :8333 for make run; prints the S3_* variables to export
s3: $(STAMP)
	$(PY) scripts/seaweed.py $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
