# Every target sets up .venv on first use, so a fresh clone needs only `make serve` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: serve test chat validate model graph clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)  ## run the skill on http://127.0.0.1:5000/alexa (development mode, SQLite)
	$(BIN)/secure-base serve --dev --port $(PORT)

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest

chat: $(STAMP)  ## talk to the skill in the terminal
	$(BIN)/secure-base chat

validate: $(STAMP)  ## check the content under content/
	$(BIN)/secure-base validate

model: $(STAMP)  ## regenerate interaction_model/ from content/
	$(BIN)/secure-base build-model

graph: $(STAMP)  ## print the dialogue state machine as a Mermaid diagram
	$(BIN)/secure-base graph

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

.PHONY: bench soak

bench: $(STAMP)  ## run the benchmarks (about 4 minutes on 2 cores) and write benchmarks/results.md
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (apt-get) for benchmarks/http_load.py"; \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq wrk; }
	$(BIN)/python benchmarks/bench.py

soak: $(STAMP)  ## 50,000 mixed requests against the real server; fails on a 5xx, a lost update or memory growth
	$(BIN)/python benchmarks/soak.py
