"""Chapters anywhere: a chapter notebook runs alone, with nothing but the course library installed from its wheel.

As a student who opens a chapter on Colab (or downloads it) has it: the notebook alone in an empty folder, the
library installed by the hidden setup cell, no clone. The library's wheel is built offline (`pip wheel`, from a
copy of the files the wheel is made of) and installed with `pip install --no-deps --target`; the kernel runs in
a virtual environment that holds only the wheel's runtime requirements, read from the wheel's own metadata (its
dependencies and its "chapters" and "torch" extras, PyTorch from /opt/wheels), and what runs a notebook
(ipykernel, nbclient): no myst-nb, jupyter-book, pytest or instructor tools. The chapter runs in one kernel
session and must raise nothing and draw every figure it stores.

The environment is cached in .handout-venvs/ (git-ignored) under a name made from those requirements, so a
change of the wheel's requirements makes a new one; a lock lets one test worker make it while the other waits.
"""
import email.parser
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
VENVS = REPO / ".handout-venvs"
PYTHON = Path("/root/.pyenv/versions/3.11.7/bin/python")  # the README's Python, the one PyTorch's wheel is for
TORCH_WHEEL_DIR = Path("/opt/wheels")
CHAPTERS = sorted((REPO / "book" / "chapters").glob("[0-9][0-9]_*.ipynb"))
EXTRAS = {"chapters", "torch"}  # what the chapters import beyond the NumPy reference
# The files the wheel is made of (pyproject.toml's packages and readme): the build reads no other.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "reference_impl", "grading")
FIGURE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
# how a chapter reads a data file shipped with the library (reference_impl._book_data)
BOOK_DATA_READ = re.compile(r"""\b(?:read_text|load_json)\(["']([^"']+)["']\)""")

# Runs in the chapter's environment: executes the notebook in one kernel with the folder as its working directory,
# then a last cell that says where the library was imported from and whether myst-nb is there.
RUNNER = r"""
import json, os, re, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
path, report = sys.argv[1], sys.argv[2]
notebook = nbformat.read(path, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import importlib.util, reference_impl\n"
    "print(reference_impl.__file__)\n"
    "print(importlib.util.find_spec('myst_nb') is not None)"))
error = None
try:
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(path)}}).execute()
except CellExecutionError as exc:
    error = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))[-4000:]  # without the traceback's colours
figures = [any(kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in %r)
           if cell.cell_type == "code" else False for cell in notebook.cells]
last = "".join(output.get("text", "") for output in notebook.cells[-1].get("outputs", []))
json.dump({"error": error, "figures": figures, "last": last}, open(report, "w"))
""" % (FIGURE_TYPES,)  # noqa: UP031 (a code template: %-formatting leaves its braces alone)


@pytest.fixture(scope="module")
def library_wheel(tmp_path_factory):
    """The library's wheel, built offline from a copy of its sources (the shared working tree gets no build/)."""
    source = tmp_path_factory.mktemp("wheel-source")
    for name in WHEEL_SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(out), str(source)], check=True, capture_output=True, text=True)
    (wheel,) = out.glob("sequence_models_course-*.whl")
    return wheel


def runtime_requirements(wheel):
    """The wheel's requirements a chapter needs: its dependencies and those of EXTRAS (not itself)."""
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    kept = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.name == metadata["Name"]:
            continue
        if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra}) for extra in EXTRAS):
            kept.append(f"{requirement.name}{requirement.specifier}")
    return sorted(kept)


def test_the_wheel_carries_every_data_file_a_chapter_reads(library_wheel):
    """The corpus and stored results the chapters read (read_text / load_json of reference_impl._book_data)."""
    read = {name for chapter in CHAPTERS for cell in nbformat.read(chapter, as_version=4).cells
            if cell.cell_type == "code" for name in BOOK_DATA_READ.findall(cell.source)}
    assert {"the_time_machine.txt", "agreement_sweep.json", "agreement_memory.json"} <= read
    with zipfile.ZipFile(library_wheel) as archive:
        shipped = {name.removeprefix("reference_impl/_book_data/") for name in archive.namelist()}
    assert read <= shipped, (f"the wheel lacks {sorted(read - shipped)}: each must be a file of "
                             "reference_impl/_book_data/ that pyproject.toml's package-data takes")


def test_a_misspelt_data_file_name_is_answered_with_the_names_there():
    from reference_impl._book_data import load_json, read_text

    with pytest.raises(FileNotFoundError, match=r"'the_time_machine\.text'.*expected one of .*the_time_machine\.txt"):
        read_text("the_time_machine.text")
    stored = REPO / "reference_impl" / "_book_data" / "agreement_sweep.json"
    assert load_json("agreement_sweep.json") == json.loads(stored.read_text(encoding="utf-8"))


def test_runtime_requirements_are_the_lean_ones(library_wheel):
    """NumPy, tqdm, Matplotlib and PyTorch: none of the book's, the grader's or the tests' tools."""
    names = {Requirement(r).name for r in runtime_requirements(library_wheel)}
    assert names == {"numpy", "tqdm", "matplotlib", "torch"}


@pytest.fixture(scope="module")
def chapter_python(library_wheel):
    """Python of a virtual environment holding only the chapters' runtime requirements and a notebook runner."""
    if not PYTHON.exists():
        pytest.skip(f"Python 3.11 is not installed at {PYTHON}")
    requirements = runtime_requirements(library_wheel) + ["ipykernel", "nbclient"]
    folder = VENVS / f"chapters-py3.11-{hashlib.sha256(' '.join(requirements).encode()).hexdigest()[:10]}"
    VENVS.mkdir(exist_ok=True)
    with open(VENVS / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other test worker may be making the same environment
        if not (folder / ".ready").exists():
            subprocess.run([str(PYTHON), "-m", "venv", "--clear", str(folder)], check=True)
            result = subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q",
                                     "--find-links", str(TORCH_WHEEL_DIR), *requirements],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                pytest.skip(f"cannot install the chapters' requirements: {result.stderr[-500:]}")
            (folder / ".ready").write_text("\n".join(requirements))
    return folder / "bin" / "python"


def run_chapter_alone(chapter, library_wheel, chapter_python, tmp_path):
    """Install the wheel into a folder of its own, copy the chapter alone into an empty folder and execute it."""
    site = tmp_path / "site-packages"
    subprocess.run([str(chapter_python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(site), str(library_wheel)], check=True, capture_output=True, text=True)
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(chapter, folder / chapter.name)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MPLCONFIGDIR": str(home / "mpl"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    report = tmp_path / "report.json"
    result = subprocess.run([str(chapter_python), "-c", RUNNER, str(folder / chapter.name), str(report)], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=900)
    assert report.exists(), result.stderr[-3000:]
    found = json.loads(report.read_text())
    assert found["error"] is None, f"{chapter.stem} fails when it runs alone:\n{found['error']}"
    library_file, has_myst_nb = found["last"].split()
    assert Path(library_file).is_relative_to(site), f"the library came from {library_file}, not the wheel"
    assert has_myst_nb == "False"
    stored = nbformat.read(chapter, as_version=4)
    for k, cell in enumerate(stored.cells):
        if cell.cell_type == "code" and any(kind in output.get("data", {}) for output in cell.get("outputs", [])
                                            for kind in FIGURE_TYPES):
            assert found["figures"][k], f"cell {k} ({cell.get('id')}) of {chapter.stem} drew no figure"


def test_a_chapter_runs_alone_from_the_wheel(library_wheel, chapter_python, tmp_path):
    """Chapter 4 imports the drawing helpers both ways, glues numbers into its prose and imports torch."""
    run_chapter_alone(REPO / "book" / "chapters" / "04_bptt.ipynb", library_wheel, chapter_python, tmp_path)


@pytest.mark.all_chapters
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_every_chapter_runs_alone_from_the_wheel(chapter, library_wheel, chapter_python, tmp_path):
    """The data files a chapter reads come from the wheel too (reference_impl._book_data), none from the book."""
    run_chapter_alone(chapter, library_wheel, chapter_python, tmp_path)
