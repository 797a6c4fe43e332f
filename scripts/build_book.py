"""Build the book in another language from the same pages and the same _config.yml.

    .venv/bin/python scripts/build_book.py --language zh_CN                 # the Chinese site -> _build/html/zh/
    .venv/bin/python scripts/build_book.py --language zh_CN --builder singlehtml   # its one-page book (the PDF)
    .venv/bin/python scripts/build_book.py --language zh_CN --catalogues DIR --site DIR  # a trial: other catalogues

The configuration is read through Jupyter Book's own API (as `jupyter-book
build` reads it) with one override, Sphinx's `language`; Sphinx then takes the
prose from book/locale/<language>/LC_MESSAGES/<page>.po, and a sentence without
a translation stays English. Like the English site it is built with -W -n
--keep-going. Each language builds in a folder of its own (_build/<site>/:
doctrees, myst-nb's outputs), so the two builds never share or undo an
environment; the HTML is then mirrored into the English site's folder
(_build/html/<site>/), where the language switch of each page expects it.
"""
import argparse
import filecmp
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Sphinx's language code -> the site's folder under _build/html
SITES = {"zh_CN": "zh"}


def build(language, builder="html", folder=None, catalogues=None):
    """Build the book in `language` with `builder` in `folder` (by default _build/<site>,
    or _build/whole-book-<site> for the one-page book), with the catalogues under
    `catalogues` (by default _config.yml's locale_dirs); return (Sphinx's status code,
    output folder)."""
    from jupyter_book.sphinx import build_sphinx

    site = SITES[language]
    folder = folder or REPO / "_build" / (site if builder == "html" else f"whole-book-{site}")
    output = folder / builder
    # what `jupyter-book build . -n` passes, plus the language
    overrides = {"external_toc_path": (REPO / "_toc.yml").as_posix(), "latex_individualpages": False,
                 "nitpicky": True, "language": language}
    if catalogues:
        overrides["locale_dirs"] = [str(Path(catalogues).resolve())]
    status = build_sphinx(
        REPO, output, noconfig=True, path_config=REPO / "_config.yml", confoverrides=overrides,
        # -W for the website; the one-page book is built -n --keep-going as `make pdf` builds the English one
        doctreedir=folder / ".doctrees", builder=builder, warningiserror=builder == "html", keep_going=True)
    return (status if isinstance(status, int) else 1), output


def mirror(source, target, keep=("*.pdf",)):
    """Make `target` a copy of `source`, rewriting only the files that changed; files
    at its top matching `keep` (the printed book, `make pdf`) are not Sphinx's and stay."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.rglob("*"):
        copy = target / path.relative_to(source)
        if path.is_dir():
            copy.mkdir(exist_ok=True)
        elif not copy.is_file() or not filecmp.cmp(path, copy, shallow=False):
            shutil.copy2(path, copy)
    for path in sorted(target.rglob("*"), reverse=True):
        if path.parent == target and any(path.match(pattern) for pattern in keep):
            continue
        if not (source / path.relative_to(target)).exists():
            path.unlink() if path.is_file() or path.is_symlink() else shutil.rmtree(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", required=True, choices=sorted(SITES))
    parser.add_argument("--builder", default="html", choices=["html", "singlehtml"])
    parser.add_argument("--catalogues", type=Path,
                        help="a folder holding <language>/LC_MESSAGES/ (default: book/locale)")
    parser.add_argument("--site", type=Path, help="where the HTML goes (default: _build/html/<site>)")
    args = parser.parse_args()
    site = (args.site or REPO / "_build" / "html" / SITES[args.language]).resolve()
    # a trial site builds beside itself, never in the default site's environment
    folder = site.with_name(site.name + ".sphinx") if args.site else None
    status, output = build(args.language, args.builder, folder, args.catalogues)
    if args.builder == "html" and (output / "index.html").is_file():
        mirror(output, site)
        print(f"build_book: {args.language} site in {site}/")
    return status


if __name__ == "__main__":
    sys.exit(main())
