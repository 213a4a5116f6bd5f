# Two commands do everything on a fresh machine with Python 3.11:
#   make book   builds _book/ (HTML, PDF, DOCX)
#   make test   runs the test suite
# Both create and fill .venv from pyproject.toml when it is missing or outdated.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test notebook clean bench venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	@# Strip notebook outputs at commit time (see .gitattributes); harmless outside git.
	-git config filter.nbstrip.clean "$(CURDIR)/$(BIN)/python -m helpers.nbstrip" 2>/dev/null
	-git config filter.nbstrip.smudge cat 2>/dev/null
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/python -m helpers.build $(if $(FRESH),--fresh) $(if $(SERIAL),--jobs 1)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Execute a single notebook while writing, e.g. make notebook NAME=hf1_demografie
notebook: $(STAMP)
	$(BIN)/python -m helpers.build --notebook $(NAME)

bench: $(STAMP)
	$(BIN)/python -m helpers.bench

clean:
	rm -rf _book _book.tmp* .cache .quarto
