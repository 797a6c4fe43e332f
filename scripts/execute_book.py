"""Re-execute the book's notebooks in place so that their stored outputs are current.

The website is built with execution turned off (it shows the outputs stored
in each notebook) and tests/test_book.py re-runs every notebook with nbval
and fails when a stored output differs. After changing a page or the code it
calls, refresh the stored outputs with

    .venv/bin/python scripts/execute_book.py                      # every notebook in _toc.yml
    .venv/bin/python scripts/execute_book.py book/chapters/03_rnn_forward.ipynb

Each notebook runs in a fresh kernel started in its own folder, with a
per-cell timeout and KERNEL_ENVIRONMENT (a fixed hash seed, the same NumPy
and BLAS code paths on every x86-64 machine); the pages seed NumPy themselves.
The script prints how long each notebook took, slowest first.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
CELL_TIMEOUT_S = 60
PAGE_BUDGET_S = 60

# What the kernels that write and check the stored outputs run with. Several
# pages train without clipping on purpose, and such runs amplify the last bit
# of a rounding difference: NumPy's AVX-512 loops and OpenBLAS's AVX-512
# kernels round differently from their AVX2 ones, so a machine with AVX-512
# would print other numbers. Both are held to their AVX2 code paths, which
# every x86-64 machine of the last decade has (on a machine without AVX-512
# the settings change nothing: NumPy ignores features a machine lacks).
_AVX512 = ("AVX512F AVX512CD AVX512VPOPCNTDQ AVX512VL AVX512BW AVX512DQ AVX512VNNI AVX512IFMA AVX512VBMI "
           "AVX512VBMI2 AVX512BITALG AVX512BF16 AVX512_SKX X86_V4 AVX512_CLX AVX512_CNL AVX512_ICL")
KERNEL_ENVIRONMENT = {"PYTHONHASHSEED": "0", "NPY_DISABLE_CPU_FEATURES": _AVX512, "OPENBLAS_CORETYPE": "Haswell"}


def toc_files(toc_path=REPO / "_toc.yml"):
    """Every page named in _toc.yml (root first), as paths without suffix relative to the repository."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def toc_notebooks(toc_path=REPO / "_toc.yml"):
    """The pages of _toc.yml that are notebooks, as absolute paths."""
    return [REPO / f"{page}.ipynb" for page in toc_files(toc_path) if (REPO / f"{page}.ipynb").exists()]


def execute_notebook(path, cell_timeout=CELL_TIMEOUT_S):
    """Run ``path`` top to bottom in a fresh kernel and write it back with its new outputs.

    Returns:
    seconds -- wall-clock time of the execution
    """
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # Timestamps would make every refresh a diff of the whole notebook.
        record_timing=False,
        # The kernel's start-up log (a transport warning) would otherwise land in the first cell's output.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    env = dict(os.environ, **KERNEL_ENVIRONMENT)
    env.pop("MPLBACKEND", None)  # the kernel picks its inline backend, which stores figures as PNG
    start = time.perf_counter()
    client.execute(env=env)
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: every notebook in _toc.yml)")
    parser.add_argument("--cell-timeout", type=float, default=CELL_TIMEOUT_S, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or toc_notebooks()
    if not notebooks:
        parser.error("no notebooks found")
    times = {}
    for path in notebooks:
        if path.suffix != ".ipynb" or not path.exists():
            parser.error(f"{path} is not an existing .ipynb file")
        times[path] = execute_notebook(path, args.cell_timeout)
        print(f"{times[path]:6.1f} s  {path}", flush=True)
    print("\nslowest first:")
    for path, seconds in sorted(times.items(), key=lambda item: -item[1]):
        flag = "  OVER THE 60 s PAGE BUDGET" if seconds > PAGE_BUDGET_S else ""
        print(f"{seconds:6.1f} s  {path}{flag}")
    return 1 if any(seconds > PAGE_BUDGET_S for seconds in times.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
