# Quick start: `make serve` and `make test`. Both build .venv from the committed lock first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080
DB ?= crmgate.db

.PHONY: serve test check lint format bench lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "crmgate needs Python 3.11 or newer" or 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --no-index -e .
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/crmgate serve --host $(HOST) --port $(PORT) --db $(DB) --fixtures demo

# Dead code: anything in the packages no code reaches. vulture_allow.py lists what only
# reflection or a name in a string reaches; the fields of wire DTO modules (dto.py) are read and
# written by msgspec, so vulture's "unused variable" there is dropped (their other findings stay).
DEADCODE := ! $(BIN)/vulture core gateway dialects vulture_allow.py | grep -v '/dto.py:[0-9]*: unused variable'

# The whole suite, what CI runs.
test: lint
	$(BIN)/python -m pytest --cov --cov-report=term -q $(PYTEST_ARGS)

# The fast loop: lint and every test not marked slow (no real servers, browsers, clusters),
# property tests on fewer examples, on every CPU (pytest-xdist).
check: lint
	$(BIN)/python -m pytest -q -n auto -m "not slow" -p no:cacheprovider --hypothesis-profile=check \
		$(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "vulture (dead code)"; $(DEADCODE)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@command -v wrk >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq wrk) \
		|| echo "wrk is not installed: the bench uses its bundled load generator"
	$(BIN)/python -m bench

# Regenerate requirements.lock (needs network; uv lives in its own throwaway venv).
# servicestack declares the Python 3.6 "dataclasses" backport unconditionally: leave it out.
# --universal keeps the platform markers (uvloop, httptools install only where they can).
lock:
	test -x .venv-tools/bin/uv || ($(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv)
	.venv-tools/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --no-header --no-emit-package dataclasses -o requirements.lock

clean:
	rm -rf $(VENV) .venv-tools .pytest_cache .ruff_cache .hypothesis .coverage
