# Two commands do all the set-up on a fresh machine:
#   make lab    install into .venv (once) and open JupyterLab on notebooks/
#   make test   install into .venv (if needed) and run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test lint install benchmark constraints execute clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab,test]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check lecture_utils tests benchmarks

test: lint
	$(BIN)/python -m pytest --nbval

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
