# Two commands do everything on a fresh machine with Python 3.11:
#   make book   builds _book/ (HTML, PDF, DOCX); make book BERICHTSJAHR=2023 builds that edition
#   make test   runs the test suite
# Both create and fill .venv from pyproject.toml when it is missing or outdated.
#   make lab    opens the notebooks in JupyterLab (project kernel and data)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# axe-core and playwright-core for the browser accessibility audit (tests/a11y.py)
A11Y   := tools/a11y/node_modules/.package-lock.json
# Git filter for notebooks: no outputs or execution counts (cell ids stay: chapters and tests
# name cells), and no kernel details that differ between machines (tests/test_notebooks_zellen.py)
NBSTRIPOUT := $(BIN)/python -m nbstripout --keep-id --extra-keys 'metadata.language_info.version metadata.language_info.codemirror_mode metadata.language_info.file_extension metadata.language_info.mimetype metadata.language_info.nbconvert_exporter metadata.language_info.pygments_lexer'

.PHONY: book test notebook lab clean bench venv a11y

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	@# Strip notebook outputs at commit time (nbstripout, see .gitattributes); harmless outside git.
	@# The path is relative: git runs filters in the top folder of the working tree.
	-git config filter.nbstripout.clean "$(NBSTRIPOUT)" 2>/dev/null
	-git config filter.nbstripout.smudge cat 2>/dev/null
	-git config filter.nbstripout.required true 2>/dev/null
	-git config diff.ipynb.textconv "$(NBSTRIPOUT) -t" 2>/dev/null
	touch $(STAMP)

venv: $(STAMP)

$(A11Y): tools/a11y/package-lock.json
	npm ci --prefix tools/a11y --ignore-scripts --no-audit --no-fund
	touch $@

a11y: $(A11Y)

book: $(STAMP)
	$(BIN)/python -m helpers.build $(if $(FRESH),--fresh) $(if $(SERIAL),--jobs 1) $(if $(PROFIL),--profile $(PROFIL)) $(if $(BERICHTSJAHR),--berichtsjahr $(BERICHTSJAHR))

# The browser tests need the npm packages; they are fetched when npm is there.
test: $(STAMP) $(if $(shell command -v npm 2>/dev/null),$(A11Y))
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Execute a single notebook while writing, e.g. make notebook NAME=hf1_demografie
notebook: $(STAMP)
	$(BIN)/python -m helpers.build --notebook $(NAME)

# JupyterLab on notebooks/ with the .venv kernel; notebooks find data/ from there.
# LAB_ARGS passes options, e.g. make lab LAB_ARGS=--no-browser
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ARGS)

bench: $(STAMP)
	$(BIN)/python -m helpers.bench

clean:
	rm -rf _book _book.tmp* .cache .quarto
