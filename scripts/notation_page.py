"""Write the book's notation page, book/appendix/notation.md, from book/data/notation.yml.

    .venv/bin/python scripts/notation_page.py          # rewrite the page
    .venv/bin/python scripts/notation_page.py --check  # exit 1 if the page is not current

The data file is the one source: tests/test_notation.py checks its names against
the code and that the page is what this script renders.
"""
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "book" / "data" / "notation.yml"
PAGE = REPO / "book" / "appendix" / "notation.md"
PLACES = (("library", "NumPy library"), ("assignments", "assignments"), ("torch", "PyTorch code"))


def load(path=DATA):
    """The notation table: dict with symbols, inconsistencies and parameter_keys."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _names(place):
    return ", ".join(f"`{name}`" for name in place["names"])


def _where(place):
    return f"{_names(place)} ({Path(place['file']).stem})"


def render(table):
    """Markdown of the notation page."""
    lines = [
        "# Notation table",
        "",
        "Each symbol of the book (introduced in {doc}`chapter 2 <../chapters/02_notation>`), with its name in the NumPy library (`reference_impl`), in the assignments",
        "and in the PyTorch code (`reference_impl.torch_models`). Shapes follow the book: examples are",
        "columns, one step is $(n, m)$ and a sequence $(n, m, T_x)$. This page is generated from",
        "`book/data/notation.yml`, which a test checks against the code.",
        "",
        "| symbol | meaning | shape | " + " | ".join(label for _, label in PLACES) + " |",
        "|---|---|---|" + "---|" * len(PLACES),
    ]
    for entry in table["symbols"]:
        cells = [f"${entry['tex']}$", entry["meaning"], entry["shape"]]
        cells += [_names(entry[key]) for key, _ in PLACES]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Parameter keys, the same in the NumPy dicts and the torch cells (a gate g has `Wg` and `bg`): "
        + "; ".join(f"{cell}: " + ", ".join(f"`{k}`" for k in keys) for cell, keys in table["parameter_keys"].items())
        + ".",
        "",
        "## Names that still differ",
        "",
        "Where one idea has several names, the decision taken and what is left to do. A name students",
        "use changes together with the assignment, its hidden checks and the released notebook.",
        "",
    ]
    for item in table["inconsistencies"]:
        lines += [f"### {item['idea'][0].upper()}{item['idea'][1:]}", ""]
        lines += [f"- {label}: {_where(place)}" for label, place in item["names"].items()]
        lines += ["", f"**Decision.** {item['decision']}", "", f"**Done.** {item['done']}", "",
                  f"**Remaining.** {item['remaining']}", ""]
    return "\n".join(lines)


def main(argv):
    text = render(load())
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE.relative_to(REPO)} is not current: run scripts/notation_page.py")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
