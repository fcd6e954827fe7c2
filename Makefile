# The README's two commands are `make demo` and `make test`; each bootstraps .venv itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export STREAMSIM_ENV ?= development
# `PORT=5001 make demo` serves on another port.
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: demo test bench lint venv clean serve real-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	STREAMSIM_DEMO=1 $(BIN)/streamsim db upgrade
	STREAMSIM_DEMO=1 $(BIN)/streamsim demo-setup
	STREAMSIM_DEMO=1 $(BIN)/streamsim train || echo "No model yet: the site serves popularity rows."
	@# The server runs in the background; once it accepts connections the demo login and URL
	@# are printed last, then make waits on the server (Ctrl-C stops both).
	@STREAMSIM_DEMO=1 STREAMSIM_REC_SCHEDULER_IN_APP=1 $(BIN)/streamsim run --host $(HOST) --port $(PORT) & server=$$!; \
	trap 'kill $$server 2>/dev/null' INT TERM EXIT; \
	STREAMSIM_DEMO=1 $(BIN)/python -m webapp.demo $(HOST) $(PORT) || exit 1; \
	wait $$server

# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process
# (.ci/run's stress and PostgreSQL passes, which share one server-side database).
PYTEST_WORKERS ?= auto
test: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Real MovieLens 100k, read out of the recbole wheel on PyPI (GroupLens terms; never committed).
real-data: venv
	$(BIN)/streamsim fetch-movielens --dest .cache/data

bench: venv real-data
	$(BIN)/python bench/run_all.py

lint: venv
	$(BIN)/ruff check core webapp recommender simulator tests bench migrations
	$(BIN)/bandit -q -ll -r core webapp recommender simulator

clean:
	rm -rf $(VENV) artifacts .pytest_cache
