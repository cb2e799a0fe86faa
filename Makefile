# Two commands do all the set-up on a fresh machine:
#   make lab    install into .venv (once) and open JupyterLab on notebooks/
#   make test   install into .venv (if needed) and run every test lane (CI runs exactly this), timing each
# Other targets: see README.md ("Test lanes") and the comments below.

# The newest python3.X on the PATH that the project supports (pyproject.toml: requires-python >= 3.11) and
# that actually runs (a pyenv shim for a version that is not selected does not). Override: make PYTHON=...
SUPPORTED := 3.13 3.12 3.11
PYTHON ?= $(firstword $(foreach v,$(SUPPORTED),$(shell python$(v) -c "" >/dev/null 2>&1 && echo python$(v))))
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NO_PYTHON := no supported Python found: looked for $(addprefix python,$(SUPPORTED)) on the PATH

.PHONY: lab test lint unit nbval browser slides latest test-latest install benchmark constraints environment \
        execute sync clean python student grade

python:
	@$(if $(PYTHON),true,echo "make: $(NO_PYTHON)" >&2; exit 1)

$(STAMP): pyproject.toml constraints.txt | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab,test]"
	touch $(STAMP)

install: $(STAMP)

# Containers (Docker, some cloud VMs) run as root, where Jupyter refuses to start without --allow-root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/

# Every lane, one after the other, with each lane's wall time at the end (tools/lanes.py defines them):
# lint, unit, nbval, nbval-1thread-avx2, slides, browser, latest.
test: $(STAMP)
	$(BIN)/python tools/lanes.py

# Single lanes.
lint unit nbval slides latest: $(STAMP)
	$(BIN)/python tools/lanes.py $@

# Only the real-client layer: each notebook run from JupyterLab's menu in headless Chromium, and one deck
# (the decks are built first).
browser: $(STAMP)
	$(BIN)/python tools/lanes.py slides browser

# The newest releases pyproject.toml's ranges allow (not constraints.txt; torch stays at the CPU wheel) in
# their own venv: unit tests, then every notebook executed top to bottom (nbval-lax), then a version table.
test-latest: latest

benchmark: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py

# Re-pin constraints.txt from what is installed in .venv (after changing pyproject.toml), then regenerate
# environment.yml from it.
constraints: $(STAMP)
	{ sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	  | sed 's/+cpu$$//'; } > constraints.txt.new && mv constraints.txt.new constraints.txt
	$(BIN)/python tools/environment.py

# environment.yml (Binder) from pyproject.toml's runtime requirements and the pins in constraints.txt.
environment: $(STAMP)
	$(BIN)/python tools/environment.py

# The .py files in notebooks/ are the text sources (jupytext py:percent, jupytext.toml): after editing one,
# bring its .ipynb in step (outputs are kept), then re-execute it.
sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/[0-9][0-9]_*.ipynb

# Re-execute one notebook top to bottom in a fresh kernel and save its outputs (after syncing its text):
#   make execute NB=notebooks/03_vae.ipynb
execute: $(STAMP)
	$(BIN)/jupytext --sync $(NB:.py=.ipynb)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 \
	  --ExecutePreprocessor.record_timing=False $(NB:.py=.ipynb)

# The student edition (tools/editions.py): answers replaced by stubs that raise NotImplementedError with a hint,
# written answers removed. Into STUDENT (default student/).
STUDENT ?= student
student: $(STAMP)
	$(BIN)/python tools/editions.py student --out $(STUDENT)

# Grade a folder of submitted student notebooks: each executed in a fresh kernel (time limits: TIMEOUT seconds
# per notebook, CELL_TIMEOUT per cell), the instructor edition's checks run on it; writes GRADES/grades.csv
# (file, exercise, passed, message) and GRADES/summary.md:   make grade SUBMISSIONS=folder
GRADES ?= grades
TIMEOUT ?= 600
CELL_TIMEOUT ?= 120
grade: $(STAMP)
	@$(if $(SUBMISSIONS),true,echo "make grade: say which folder, e.g. make grade SUBMISSIONS=submissions/" >&2; exit 2)
	$(BIN)/python tools/editions.py grade $(SUBMISSIONS) --out $(GRADES) --timeout $(TIMEOUT) \
	  --cell-timeout $(CELL_TIMEOUT)

clean:
	rm -rf $(VENV) .venv-latest
