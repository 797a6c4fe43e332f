"""The book: every page exists and has its parts, stored outputs are current, pages run fast enough.

- Every notebook listed in _toc.yml is re-run with nbval in strict mode
  (every stored output is compared; nbval itself leaves PNG bytes out of the
  comparison). Its execution time must stay within the 60 s page budget; the
  times go to test-artifacts/book_page_times.md, slowest first.
- Every function a page imports from reference_impl, or names in the prose as
  `name(...)`, must exist.
- Every chapter has learning objectives, a figure with alt text, an exercise
  with a solution and a summary.
- The built site (make test builds it before pytest) has a current HTML file
  for every page.
"""
import ast
import builtins
import fcntl
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE_BUDGET_S = 60.0
ARTIFACTS = REPO / "test-artifacts"

_spec = importlib.util.spec_from_file_location("execute_book", REPO / "scripts" / "execute_book.py")
execute_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_book)

PAGES = execute_book.toc_files()
NOTEBOOKS = execute_book.toc_notebooks()
CHAPTERS = [page for page in PAGES if page.startswith("book/chapters/")]


def page_source(page):
    """The existing source file of a toc entry (.ipynb or .md)."""
    for suffix in (".ipynb", ".md"):
        if (REPO / f"{page}{suffix}").exists():
            return REPO / f"{page}{suffix}"
    return None


def page_cells(path):
    """(markdown texts, code texts, notebook or None) of a page."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        return markdown, code, nb
    text = path.read_text(encoding="utf-8")
    fence = re.compile(r"^(```+|~~~+)\s*\{?(?:code-cell|python|ipython3?)\}?[^\n]*\n(.*?)^\1", re.M | re.S)
    return [fence.sub("", text)], [m.group(2) for m in fence.finditer(text)], None


# ---------------------------------------------------------------- structure


def test_every_page_of_the_toc_exists():
    missing = [page for page in PAGES if page_source(page) is None]
    assert not missing, f"_toc.yml lists pages with no .ipynb or .md file: {missing}"


def test_toc_names_all_twelve_chapters_in_order():
    numbers = [int(Path(page).name.split("_")[0]) for page in CHAPTERS]
    assert numbers == list(range(1, 13)), f"chapters in _toc.yml: {CHAPTERS}"


def _missing_parts(path):
    markdown, _, nb = page_cells(path)
    text = "\n".join(markdown)
    missing = []
    if not re.search(r"learning objectives", text, re.I):
        missing.append("a 'Learning objectives' block")
    if not re.search(r"^#+\s*summary", text, re.I | re.M):
        missing.append("a 'Summary' heading")
    if not re.search(r"^```+\{exercise\}", text, re.M):
        missing.append("an {exercise}")
    if not re.search(r"^```+\{solution\}", text, re.M):
        missing.append("a {solution}")
    figures_without_alt = 0
    figures = 0
    if nb is not None:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            images = [o for o in cell.outputs if "image/png" in o.get("data", {}) or "image/svg+xml" in o.get("data", {})]
            figures += len(images)
            if images and not cell.metadata.get("mystnb", {}).get("image", {}).get("alt"):
                figures_without_alt += 1
    figures += len(re.findall(r"^```+\{(?:figure|image)\}", text, re.M))
    if figures == 0:
        missing.append("a figure")
    if figures_without_alt:
        missing.append(f"alt text on {figures_without_alt} figure cell(s) (metadata mystnb.image.alt)")
    return missing


@pytest.mark.parametrize("page", CHAPTERS, ids=[Path(p).name for p in CHAPTERS])
def test_chapter_has_objectives_figure_exercise_and_summary(page):
    path = page_source(page)
    if path is None:
        pytest.fail(f"{page} is listed in _toc.yml but does not exist")
    missing = _missing_parts(path)
    assert not missing, f"{path.relative_to(REPO)} lacks {', '.join(missing)}"


def test_structure_check_reports_a_page_without_parts(tmp_path):
    page = tmp_path / "bare.md"
    page.write_text("# A chapter\n\nText only.\n", encoding="utf-8")
    assert len(_missing_parts(page)) == 5


# ---------------------------------------------------------------- function names


def _public_names():
    """Every public name of reference_impl and its submodules, keyed by module name."""
    import pkgutil

    import reference_impl

    modules = {"reference_impl": reference_impl}
    for info in pkgutil.walk_packages(reference_impl.__path__, "reference_impl."):
        if ".torch_models" in info.name and importlib.util.find_spec("torch") is None:
            continue
        modules[info.name] = importlib.import_module(info.name)
    return modules


def _strip_magics(code):
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())


def unknown_names(markdown, code, modules):
    """Names a page uses from reference_impl (imports, attribute access, `name(...)` in prose) that do not exist."""
    problems = []
    defined = set(dir(builtins))
    aliases = {}
    for source in code:
        tree = ast.parse(_strip_magics(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "reference_impl":
                module = modules.get(node.module)
                if module is None:
                    problems.append(f"module {node.module}")
                    continue
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        problems.append(f"{node.module}.{alias.name}")
                    defined.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "reference_impl":
                        if alias.name not in modules:
                            problems.append(f"module {alias.name}")
                        aliases[alias.asname or alias.name] = alias.name
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                dotted = ast.unparse(node.value)
                if dotted in aliases and aliases[dotted] in modules:
                    if not hasattr(modules[aliases[dotted]], node.attr):
                        problems.append(f"{aliases[dotted]}.{node.attr}")
    known = {name for module in modules.values() for name in dir(module) if not name.startswith("_")}
    for text in markdown:
        for name in re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)\(", text):
            if name not in known and name not in defined:
                problems.append(f"`{name}(...)` named in the text")
    return sorted(set(problems))


@pytest.fixture(scope="module")
def reference_modules():
    # a handout's course_helpers package adds check_all() and the public tests to the sliced library; the
    # file is written into handouts only (it does not import inside the instructor's package), so read its names
    runtime = ast.parse((REPO / "grading" / "handout_runtime.py").read_text())
    public = {node.name: node for node in runtime.body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")}
    return {**_public_names(), "course_helpers": types.SimpleNamespace(**public)}


@pytest.mark.parametrize("page", PAGES, ids=[Path(p).name for p in PAGES])
def test_page_calls_only_functions_that_exist(page, reference_modules):
    path = page_source(page)
    if path is None:
        pytest.fail(f"{page} is listed in _toc.yml but does not exist")
    markdown, code, _ = page_cells(path)
    problems = unknown_names(markdown, code, reference_modules)
    assert not problems, f"{path.relative_to(REPO)} uses names that reference_impl does not define: {problems}"


def test_name_scan_reports_a_misspelt_function(reference_modules):
    code = ["from reference_impl import rnn_forwad\nimport reference_impl as ri\nri.rnn_backwards(1, 2)"]
    markdown = ["Call `rnn_cell_forwad(xt, a_prev, parameters)` first; `rnn_forward(x, a0, parameters)` exists."]
    assert unknown_names(markdown, code, reference_modules) == [
        "`rnn_cell_forwad(...)` named in the text",
        "reference_impl.rnn_backwards",
        "reference_impl.rnn_forwad",
    ]


def untitled_chapter_references(markdown):
    """{doc} references to a numbered chapter that would render as its bare title."""
    return [m for text in markdown for m in re.findall(r"\{doc\}`(?:[^`<]*/)?\d\d_[^`<]*`", text)]


@pytest.mark.parametrize("page", PAGES, ids=[Path(p).name for p in PAGES])
def test_cross_references_to_chapters_carry_their_number(page):
    """"chapter {doc}`08_vanishing_gradients`" would read "chapter Vanishing and exploding gradients"."""
    path = page_source(page)
    if path is None:
        pytest.fail(f"{page} is listed in _toc.yml but does not exist")
    untitled = untitled_chapter_references(page_cells(path)[0])
    assert not untitled, (f"{path.relative_to(REPO)}: give these references a numbered title, "
                          f"e.g. {{doc}}`chapter 8 <08_vanishing_gradients>`: {untitled}")


def test_cross_reference_check_tells_titled_from_untitled():
    markdown = ["see chapter {doc}`08_vanishing_gradients` and {doc}`chapter 9 <09_gru>`, {doc}`../chapters/10_lstm`"]
    assert untitled_chapter_references(markdown) == ["{doc}`08_vanishing_gradients`", "{doc}`../chapters/10_lstm`"]


# ---------------------------------------------------------------- single runs


# The library's experiments that train a network: one call is one seed, and whether a network learns
# a task can change from seed to seed.
SEEDED_EXPERIMENTS = ("train_classifier", "agreement_accuracy_by_gap", "agreement_memory", "tagging_accuracy", "train_relu_rnn",
                      "train_stream_lm", "train_tanh_rnn")
SINGLE_RUN_TAG = "single-run"


def single_run_cells(nb):
    """Code cells that call a seeded experiment once, not over several seeds, and do not say so.

    A cell passes when it goes through run_over_seeds, loops over several seeds
    (`for seed in ...` or `for s in seeds`), or carries the cell tag "single-run",
    which declares that it illustrates and claims nothing that another seed could
    change (the page must then say so next to it).
    """
    flagged = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or SINGLE_RUN_TAG in cell.metadata.get("tags", []):
            continue
        source = _strip_magics(cell.source)
        calls = [name for name in SEEDED_EXPERIMENTS if re.search(rf"\b{name}\(", source)]
        over_seeds = "run_over_seeds(" in source or re.search(r"for\s+\w+\s+in\s+(seeds|range\(\d+\))\b", source)
        if calls and not over_seeds:
            flagged.append((index, calls))
    return flagged


@pytest.mark.parametrize("page", CHAPTERS, ids=[Path(p).name for p in CHAPTERS])
def test_chapter_states_no_seed_dependent_result_from_a_single_run(page):
    path = page_source(page)
    if path is None or path.suffix != ".ipynb":
        pytest.skip("not a notebook")
    flagged = single_run_cells(nbformat.read(path, as_version=4))
    assert not flagged, (
        f"{path.relative_to(REPO)}: cells {[i for i, _ in flagged]} call {sorted({n for _, c in flagged for n in c})} "
        f"for one seed; run them over several seeds (run_over_seeds) or, for an illustration, tag the cell "
        f"'{SINGLE_RUN_TAG}' and say on the page that it is one run"
    )


def test_single_run_check_flags_one_seed_and_passes_a_sweep():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("accuracy = agreement_accuracy_by_gap(gaps=(30,))"),
        nbformat.v4.new_code_cell("runs = run_over_seeds(tagging_accuracy, seeds=range(5))"),
        nbformat.v4.new_code_cell("for seed in seeds:\n    train_classifier('gru', x, y, seed=seed)"),
        nbformat.v4.new_code_cell("p, _ = train_classifier('gru', x, y)", metadata={"tags": [SINGLE_RUN_TAG]}),
    ])
    assert single_run_cells(nb) == [(0, ["agreement_accuracy_by_gap"])]


# ---------------------------------------------------------------- stored outputs and time


def _write_time_report(page, seconds, wall_seconds):
    """Record one page's time and rewrite the report of all pages, slowest first (safe under xdist)."""
    folder = ARTIFACTS / "book_page_times"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{Path(page).name}.json").write_text(
        json.dumps({"page": page, "execution_s": round(seconds, 2), "wall_s": round(wall_seconds, 2)}), encoding="utf-8"
    )
    current = {Path(p).name for p in PAGES}
    with open(ARTIFACTS / ".book_page_times.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rows = [json.loads(f.read_text(encoding="utf-8")) for f in folder.glob("*.json") if f.stem in current]
        rows.sort(key=lambda row: -row["execution_s"])
        lines = [
            f"# Book pages: execution time under nbval (budget {PAGE_BUDGET_S:.0f} s per page), slowest first",
            "",
            "| page | execution (s) | with pytest start-up (s) |",
            "|---|---:|---:|",
        ] + [f"| {row['page']} | {row['execution_s']:.1f} | {row['wall_s']:.1f} |" for row in rows]
        (ARTIFACTS / "book_page_times.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_are_current_and_page_runs_within_budget(notebook, tmp_path):
    junit = tmp_path / "nbval.xml"
    command = [
        sys.executable, "-m", "pytest", str(notebook),
        "--nbval", "--nbval-current-env", f"--nbval-cell-timeout={PAGE_BUDGET_S:.0f}",
        "-p", "nbval.plugin", "-p", "no:cacheprovider", "-q", f"--junitxml={junit}",
        f"--rootdir={tmp_path}", "-c", str(tmp_path / "pytest.ini"),
    ]
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    start = time.perf_counter()
    # the kernel settings of scripts/execute_book.py, which wrote the stored outputs,
    # and only the nbval plugin, to keep the start-up short
    env = dict(os.environ, **execute_book.KERNEL_ENVIRONMENT, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=10 * PAGE_BUDGET_S)
    wall = time.perf_counter() - start
    cases = ET.parse(junit).getroot().iter("testcase") if junit.exists() else []
    seconds = sum(float(case.get("time", 0.0)) for case in cases)
    page = str(notebook.relative_to(REPO).with_suffix(""))
    _write_time_report(page, seconds, wall)
    assert result.returncode == 0, (
        f"{page}: stored outputs differ from a fresh run (or a cell failed). "
        f"Refresh with `.venv/bin/python scripts/execute_book.py {notebook.relative_to(REPO)}`.\n"
        + result.stdout[-6000:]
    )
    assert seconds <= PAGE_BUDGET_S, (
        f"{page} took {seconds:.1f} s to execute, over the {PAGE_BUDGET_S:.0f} s page budget; "
        f"see test-artifacts/book_page_times.md"
    )


FIGURE_BUDGET_BYTES = 150_000  # a stored figure's share of a page's first load (benchmarks/page_weight.md)


def heavy_figures(nb, budget=FIGURE_BUDGET_BYTES):
    """(cell index, MIME type, size) of every stored image output larger than budget characters."""
    return [(index, mime, len(data)) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for output in cell.get("outputs", []) for mime, data in output.get("data", {}).items()
            if mime.startswith("image/") and len(data) > budget]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_figures_stay_light(notebook):
    heavy = heavy_figures(nbformat.read(notebook, as_version=4))
    assert not heavy, (
        f"{notebook.relative_to(REPO)}: figures over {FIGURE_BUDGET_BYTES:,} characters (cell, type, size): {heavy}. "
        "A plot of thousands of marks is lighter with those marks rasterized (rasterized=True keeps the axes "
        "and labels as SVG text) or stored as PNG"
    )


def test_heavy_figure_check_flags_a_large_svg():
    figure = nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg>" + " " * 200_000 + "</svg>"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plt.show()", outputs=[figure])])
    assert heavy_figures(nb) == [(0, "image/svg+xml", 200_011)]


# ---------------------------------------------------------------- the built site


def test_built_site_has_a_current_page_for_every_toc_entry():
    html = REPO / "_build" / "html"
    assert html.is_dir(), "no _build/html: build the site first (`make book`, which `make test` runs before pytest)"
    missing, stale = [], []
    for page in PAGES:
        built = html / f"{page}.html"
        source = page_source(page)
        if not built.exists():
            missing.append(page)
        elif source is not None and built.stat().st_mtime < source.stat().st_mtime:
            stale.append(page)
    assert not missing, f"pages of _toc.yml missing from _build/html: {missing}"
    assert not stale, f"pages changed since the last build (run `make book`): {stale}"


def test_built_site_holds_no_page_outside_the_toc():
    html = REPO / "_build" / "html"
    assert html.is_dir(), "no _build/html: build the site first (`make book`, which `make test` runs before pytest)"
    # 404.html is the site's not-found page, made from a template (book/_ext), not from a source file
    expected = {f"{page}.html" for page in PAGES} | {"index.html", "genindex.html", "search.html", "404.html"}
    # the Chinese site (_build/html/zh, the same pages) is checked as a site of its own
    for site in (html, html / "zh"):
        built = {str(p.relative_to(site)) for p in site.rglob("*.html")
                 if not p.relative_to(site).parts[0].startswith("_") and p.relative_to(site).parts[0] != "zh"}
        extra = sorted(built - expected)
        assert not extra, f"the build parsed files that _toc.yml does not list (add them to exclude_patterns): {extra}"
