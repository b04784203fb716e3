# Consult: `make run` serves the seeded demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 2
export FLASK_APP := wsgi:app

.PHONY: run test test-deps install translations translations-update migrate seed worker lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes; a stamp file keeps repeat runs fast.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy --statistics -d consult/translations

# After adding or changing user-facing text: refresh the catalogues, then translate.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F consult/translations/babel.cfg -k _l -k lazy_gettext \
		--no-location --omit-header -o consult/translations/messages.pot .
	$(BIN)/pybabel update -i consult/translations/messages.pot -d consult/translations --no-fuzzy-matching

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

# Links in mails start with SITE_URL (never with a request's forgeable Host header).
run: seed
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads 4 \
		--access-logfile - wsgi:app

# Analysis jobs from Redis (REDIS_URL must be set), for running at scale.
worker: install
	$(BIN)/flask worker

# Debian's chromium (browser tests), a CJK font and Pango (PDF reports): installed when
# missing if run as root with apt-get; otherwise those tests skip, naming the command.
test-deps:
	@.ci/test-deps

# Test files run in TEST_JOBS processes (pytest-xdist), each file whole in one process:
# module-level servers and Redis databases stay private to their file.
TEST_JOBS ?= 2
test: install test-deps
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check consult tests benchmarks wsgi.py

bench: install
	$(BIN)/python benchmarks/analysis.py --quick
	$(BIN)/python benchmarks/read_votes.py
	$(BIN)/python benchmarks/votes.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
