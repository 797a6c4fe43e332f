# Two entry points for a fresh clone (see README):
#   make        set up .venv, build the website and the student releases
#   make test   set up .venv and the test services, then run every test
# Both are idempotent: a second run reinstalls nothing unless pyproject.toml changed.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all site book pdf releases test setup system-packages clean

all: site

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

site: book pdf releases

# MathJax, served from the site itself so the book reads offline (pinned in package.json)
MATHJAX := node_modules/mathjax/package.json

$(MATHJAX): package.json package-lock.json
	bash scripts/vendor_mathjax.sh
	touch $@

# The English site in _build/html, the Chinese one (same pages, prose from
# book/locale/zh_CN) in _build/html/zh; each keeps its own Sphinx environment.
book: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python scripts/build_book.py --language zh_CN

# The whole book as one PDF, linked from its first page: Sphinx's single-page
# HTML printed by the Chromium the browser tests use (no network needed).
# Redone only when a page, the configuration or the site's assets changed.
PDF := _build/html/recurrent-sequence-models.pdf
BOOK_SOURCES := _config.yml _toc.yml scripts/print_book.py \
	$(shell find book -type f -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*')

PDF_ZH := _build/html/zh/recurrent-sequence-models.pdf

pdf: $(PDF) $(PDF_ZH)

# The single-page build keeps its own folder (and Sphinx environment), so that it
# and the website's build never undo each other's incremental state.
SINGLE := _build/whole-book

$(PDF): $(BOOK_SOURCES) | book system-packages
	$(BIN)/jupyter-book build . --builder singlehtml --path-output $(SINGLE) -n --keep-going
	$(BIN)/python scripts/print_book.py --single $(SINGLE)/_build/singlehtml --out $@

# The Chinese book, from its own single-page build, linked from the Chinese first page.
$(PDF_ZH): $(BOOK_SOURCES) scripts/build_book.py | book system-packages
	$(BIN)/python scripts/build_book.py --language zh_CN --builder singlehtml
	$(BIN)/python scripts/print_book.py --single _build/whole-book-zh/singlehtml --out $@

releases: $(STAMP)
	$(BIN)/python -m grading release

system-packages:
	bash scripts/install_system_packages.sh

test: $(STAMP) system-packages book pdf
	# the linter first: it takes seconds, the suite takes many minutes
	$(BIN)/ruff check .
	# One BLAS thread per process: two test workers already fill the two cores, and
	# OpenBLAS threads competing for them made the small matrix products 4x slower.
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2

clean:
	rm -rf _build
