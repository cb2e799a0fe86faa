# Two commands do all the set-up on a fresh machine:
#   make lab    install into .venv (once) and open JupyterLab on notebooks/
#   make test   install into .venv (if needed) and run the whole test suite
#               (incl. the JupyterLab-in-Chromium test where Debian's chromium is installed;
#               -rs lists every skipped test with its reason)
#   make slides export every notebook as a reveal.js deck into artifacts/slides/ (works offline)
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test lint install benchmark constraints execute clean slides browser

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab,test]"
	touch $(STAMP)

install: $(STAMP)

# Containers (Docker, some cloud VMs) run as root, where Jupyter refuses to start without --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

lint: $(STAMP)
	$(BIN)/ruff check lecture_utils tests benchmarks tools
	$(BIN)/mypy

# The deck test opens an exported deck, so the decks are (re)built first.
test: lint slides
	$(BIN)/python -m pytest --nbval -rs

# Only the real-client layer: each notebook run from JupyterLab's menu in headless Chromium, and one deck.
browser: $(STAMP)
	$(BIN)/python -m pytest -m browser -rs tests/test_browser.py

# Decks in artifacts/slides/; reveal.js, MathJax etc. are fetched with npm once into artifacts/slides/_static/.
slides: $(STAMP)
	$(BIN)/python tools/slides.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py

# Re-pin constraints.txt from what is installed in .venv (after changing pyproject.toml).
constraints: $(STAMP)
	{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	  | sed 's/+cpu$$//'; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV)

# Re-execute one notebook top to bottom in a fresh kernel and save its outputs:
#   make execute NB=notebooks/01_gradient_estimators.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 $(NB)
