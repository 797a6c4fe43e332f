"""The Chinese edition's text: one gettext catalogue per page of the book.

The Chinese site is built from the same pages as the English one (code, outputs
and figures are shared); only the prose differs, and it lives in
``book/locale/zh_CN/LC_MESSAGES/<page>.po``, one entry per paragraph, heading,
list item, table cell or caption. Sphinx reads these catalogues when it builds
with ``language = "zh_CN"``.

    python scripts/translations.py update
        Extract every translatable sentence of the English pages (Sphinx's
        gettext builder) and merge it into the catalogues. A sentence whose
        English changed keeps its old translation marked *fuzzy*, which Sphinx
        does not use, so the page shows the English until someone looks.
    python scripts/translations.py worksheet PAGE [--out FILE]
        The untranslated and fuzzy sentences of one page (for example
        ``book/chapters/03_rnn_forward``) as a plain-text sheet to fill in:
        no quoting or escaping, LaTeX and Markdown written as on the page.
    python scripts/translations.py apply FILE...
        Write the filled sheets' translations into their catalogues.
    python scripts/translations.py status [--strict]
        Per page: translated, fuzzy and missing sentences. With --strict, list
        every missing or fuzzy sentence by page and exit 1 if there is one.

Sentences without an English word (formulas, symbols, the Chinese column of
the glossary) are their own translation and are filled in by ``update``.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_CN"
CATALOGUES = ROOT / "book" / "locale" / LOCALE / "LC_MESSAGES"
# its own folder: the gettext builder cannot share the website's doctrees
I18N_BUILD = ROOT / "_build" / "i18n"
TEMPLATES = I18N_BUILD / "_build" / "gettext"

BLOCK = "=== "
CHINESE = "--- zh"

# what is not prose: inline math, roles and directives' targets, inline code, URLs
# (a role's link text is prose; LaTeX commands are not, but display math's \text{...} is)
_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*)(<[^>`]*>)?`")
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|https?://\S+|\\[A-Za-z]+", re.S)


def has_english(text: str) -> bool:
    """Whether a sentence holds a word to translate (two Latin letters in a row)."""
    if text.startswith("\n") and text.endswith("\n"):
        # a display-math block (its only prose is in \text{...})
        text = " ".join(re.findall(r"\\text\{([^}]*)\}", text))
    text = _ROLE.sub(lambda role: f" {role.group(1)} " if role.group(2) else " ", text)
    return re.search(r"[A-Za-z]{2,}", _NOT_PROSE.sub(" ", text)) is not None


def catalogue_path(page: str) -> Path:
    page = page.removesuffix(".po").removesuffix(".ipynb").removesuffix(".md")
    return CATALOGUES / f"{page}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=LOCALE)


def write_catalogue(catalogue: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.fuzzy = False
    for message in catalogue:
        # babel guesses format flags (python-brace-format) from the braces of
        # LaTeX and roles; only "fuzzy" means anything here
        message.flags = {flag for flag in message.flags if flag == "fuzzy"}
        if not message.fuzzy:
            # the English a translation was made from matters only while it is fuzzy
            message.previous_id = ()
        # "#| msgid" written with a space is read back as a comment: drop it
        message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
    with path.open("wb") as handle:
        # no line wrapping and no source locations: small, readable diffs
        write_po(handle, catalogue, width=0, omit_header=False, include_previous=True,
                 no_location=True, sort_output=False)


@contextlib.contextmanager
def catalogues_locked():
    """Let one writer at a time read, change and write the catalogues."""
    CATALOGUES.mkdir(parents=True, exist_ok=True)
    with (CATALOGUES / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def pages() -> list[str]:
    return sorted(str(p.relative_to(CATALOGUES).with_suffix("")) for p in CATALOGUES.rglob("*.po"))


def extract(output: Path = I18N_BUILD) -> Path:
    """Run Sphinx's gettext builder over the book (pages are not executed) into
    `output`; return the folder of the English templates, one .pot per page."""
    subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "custom",
         "--custom-builder", "gettext", "--path-output", str(output), "-q"],
        check=True, cwd=ROOT)
    return output / "_build" / "gettext"


def update() -> None:
    extract()
    templates = sorted(TEMPLATES.rglob("*.pot"))
    if not templates:
        sys.exit(f"no templates were written under {TEMPLATES}")
    with catalogues_locked():
        for template_path in templates:
            merge(template_path)
    print(f"updated {len(templates)} catalogues under {CATALOGUES.relative_to(ROOT)}")


def merge(template_path: Path) -> None:
    """Bring one page's catalogue up to date with its English template."""
    page = str(template_path.relative_to(TEMPLATES).with_suffix(""))
    with template_path.open("rb") as handle:
        template = read_po(handle)
    path = catalogue_path(page)
    catalogue = read_catalogue(path) if path.exists() else Catalog(locale=LOCALE)
    catalogue.update(template, no_fuzzy_matching=False, update_header_comment=False,
                     update_creation_date=False)
    catalogue.obsolete.clear()
    catalogue.project, catalogue.version = "Recurrent Sequence Models", ""
    for message in catalogue:
        if message.id and not message.string and not has_english(message.id):
            message.string = message.id
    write_catalogue(catalogue, path)


def to_do(catalogue: Catalog) -> list:
    return [m for m in catalogue if m.id and (not m.string or m.fuzzy)]


def worksheet(page: str, out: Path | None) -> None:
    path = catalogue_path(page)
    if not path.exists():
        sys.exit(f"no catalogue {path.relative_to(ROOT)}: run `update` first, and give a page "
                 "such as book/chapters/03_rnn_forward")
    messages = to_do(read_catalogue(path))
    lines = [f"# page: {path.relative_to(CATALOGUES).with_suffix('')}",
             f"# {len(messages)} sentences. Write the Chinese under each '{CHINESE}' line;",
             "# a block left empty is skipped. Keep math, roles, code and link targets as they are.",
             ""]
    for number, message in enumerate(messages, 1):
        state = "changed" if message.fuzzy else "new"
        lines.append(f"{BLOCK}{number} ({state})")
        if message.fuzzy and message.previous_id:
            previous = message.previous_id[0] if isinstance(message.previous_id, (list, tuple)) else message.previous_id
            lines += [f"# was: {line}" for line in previous.splitlines()]
        lines += [message.id, CHINESE]
        if message.fuzzy and message.string:
            lines.append(message.string)
        lines.append("")
    text = "\n".join(lines) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
        print(f"{len(messages)} sentences to {out}")
    else:
        sys.stdout.write(text)


def parse_worksheet(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Return (page, [(english, chinese), ...]) of a filled sheet."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# page: "):
        raise ValueError("a worksheet starts with '# page: <page>'")
    page = lines[0].removeprefix("# page: ").strip()
    pairs, english, chinese, part = [], [], [], None
    for line in lines[1:] + [BLOCK]:
        if line.startswith(BLOCK):
            if part is not None:
                pairs.append(("\n".join(english).strip("\n"), "\n".join(chinese).strip()))
            english, chinese, part = [], [], "en"
        elif part == "en" and line == CHINESE:
            part = "zh"
        elif part == "en" and not line.startswith("# was: "):
            english.append(line)
        elif part == "zh":
            chinese.append(line)
    return page, pairs


def apply(sheets: list[Path]) -> None:
    with catalogues_locked():
        for sheet in sheets:
            apply_sheet(sheet)


def apply_sheet(sheet: Path) -> None:
    page, pairs = parse_worksheet(sheet.read_text(encoding="utf-8"))
    path = catalogue_path(page)
    catalogue = read_catalogue(path)
    # a sheet cannot hold a sentence's leading or trailing newlines (display math has them)
    by_text = {message.id.strip("\n"): message for message in catalogue if message.id}
    written, stale = 0, []
    for english, chinese in pairs:
        if not chinese:
            continue
        message = by_text.get(english)
        if message is None:
            stale.append(english)
            continue
        message.string, message.flags = chinese, message.flags - {"fuzzy"}
        message.previous_id = ()
        written += 1
    write_catalogue(catalogue, path)
    print(f"{sheet}: {written} translations written to {path.relative_to(ROOT)}")
    for english in stale:
        print(f"  no longer on the page (English changed; make a new worksheet): {english[:100]!r}")


def status(strict: bool) -> int:
    problems = 0
    for page in pages():
        catalogue = read_catalogue(catalogue_path(page))
        messages = [m for m in catalogue if m.id]
        fuzzy = [m for m in messages if m.fuzzy]
        missing = [m for m in messages if not m.string]
        print(f"{page}: {len(messages) - len(fuzzy) - len(missing)} translated, "
              f"{len(fuzzy)} fuzzy, {len(missing)} missing")
        if strict:
            for kind, group in (("fuzzy (English changed)", fuzzy), ("missing", missing)):
                for message in group:
                    print(f"  {kind}: {message.id[:120]!r}")
            problems += len(fuzzy) + len(missing)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update")
    sheet = commands.add_parser("worksheet")
    sheet.add_argument("page")
    sheet.add_argument("--out", type=Path)
    applied = commands.add_parser("apply")
    applied.add_argument("sheets", nargs="+", type=Path)
    state = commands.add_parser("status")
    state.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "worksheet":
        worksheet(args.page, args.out)
    elif args.command == "apply":
        apply(args.sheets)
    else:
        return status(args.strict)
    return 0


if __name__ == "__main__":
    sys.exit(main())

