"""The assignments in other languages: the translated text of each notebook and of the public tests' messages.

Only text is translated; a translated handout has exactly the code cells, grade
cells, cell ids and points of the English one, so the same checks grade it.
The translations live in gettext catalogues, ``grading/locale/<locale>/``:

- ``<assignment>.po``: one entry per Markdown cell of the release that is not
  an answer cell (an answer is the student's own): msgctxt the cell's id,
  msgid its English, msgstr the translation. When the English of a cell
  changes, its entry no longer matches: :func:`notebook_problems` names the
  cell, and the release refuses to build that handout until the translation
  follows (:func:`update_catalogue` keeps the old translation, marked fuzzy,
  beside the new English).
- ``messages.po``: the table of grading.messages, msgid an English message
  (fields in braces), msgstr its translation, shared by every assignment.
  A message of a public test that no row translates stops the release too
  (:func:`untranslated_messages`).

After changing the English of a notebook, ``python -m grading.translation [ASSIGNMENT ...]``
brings the catalogues up to date (new cells get empty entries, changed cells keep their old
translation marked fuzzy) and lists what is left to translate; edit the ``.po`` files with any
gettext editor or by hand, then release.
"""
import copy
import functools
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent / "locale"
# handout suffix -> gettext locale
LANGUAGES = {"zh": "zh_CN"}
_FIELD = re.compile(r"\{(\w+)\}")
# a message holds words to translate when two words follow one another ("gradients['dx']" does not)
_WORDS = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")


class MissingTranslation(ValueError):
    """A text of a translated handout has no translation, or one of an older English; the message names it.

    A ValueError, so that `python -m grading release` reports it in one line and exits 1.
    """


def catalogue_path(language, name):
    return LOCALE / LANGUAGES[language] / f"{name}.po"


def _read(path):
    if not path.is_file():
        return Catalog(locale=path.parent.name)
    with open(path, "rb") as handle:
        return read_po(handle, locale=path.parent.name)


def translatable_cells(notebook):
    """(cell id, English) of every Markdown cell of ``notebook`` that is not an answer cell."""
    return [(cell.id, cell.source) for cell in notebook.cells
            if cell.cell_type == "markdown" and not cell.metadata.get("nbgrader", {}).get("solution")]


def _entries(language, assignment):
    """{cell id: babel Message} of an assignment's catalogue."""
    return {message.context: message for message in _read(catalogue_path(language, assignment))
            if message.id and message.context}


def notebook_problems(notebook, assignment, language):
    """What keeps ``notebook`` from being translated: one line per cell with no translation or a stale one."""
    entries, problems = _entries(language, assignment), []
    where = catalogue_path(language, assignment).relative_to(LOCALE.parent.parent)
    for cell_id, english in translatable_cells(notebook):
        entry = entries.get(cell_id)
        if entry is None or not entry.string:
            problems.append(f"cell {cell_id} of {assignment} has no translation in {where}")
        elif entry.id != english or entry.fuzzy:
            problems.append(f"cell {cell_id} of {assignment} changed since it was translated: "
                            f"update its entry in {where}")
    known = {cell_id for cell_id, _ in translatable_cells(notebook)}
    problems += [f"{where} translates cell {cell_id}, which {assignment} no longer has"
                 for cell_id in sorted(set(entries) - known)]
    return problems


def translated_notebook(notebook, assignment, language):
    """A copy of ``notebook`` whose Markdown cells are translated; MissingTranslation names what is missing."""
    problems = notebook_problems(notebook, assignment, language)
    if problems:
        raise MissingTranslation("; ".join(problems))
    entries = _entries(language, assignment)
    translated = copy.deepcopy(notebook)
    for cell in translated.cells:
        if cell.cell_type == "markdown" and cell.id in entries and not cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = entries[cell.id].string
    translated.metadata["language"] = LANGUAGES[language].replace("_", "-")
    return translated


def update_catalogue(notebook, assignment, language):
    """Write the assignment's catalogue with an entry per translatable cell of ``notebook``.

    A new cell gets an empty entry; a cell whose English changed keeps its old
    translation, marked fuzzy, until someone updates it; entries of cells that
    are gone are dropped. Returns the catalogue's path.
    """
    path = catalogue_path(language, assignment)
    entries = _entries(language, assignment)
    catalogue = Catalog(locale=LANGUAGES[language], project=assignment, fuzzy=False)
    for cell_id, english in translatable_cells(notebook):
        old = entries.get(cell_id)
        string = old.string if old is not None else ""
        flags = ["fuzzy"] if old is not None and string and (old.id != english or old.fuzzy) else []
        catalogue.add(english, string, context=cell_id, flags=flags)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalogue, width=0, omit_header=True)
    return path


def message_rows(language):
    """[(English, translation)] of the messages table; a row whose fields differ in the two is an error."""
    rows = []
    for message in _read(catalogue_path(language, "messages")):
        if not message.id or not message.string or message.fuzzy:
            continue
        english, translated = message.id, message.string
        if sorted(_FIELD.findall(english)) != sorted(_FIELD.findall(translated)):
            raise MissingTranslation(f"the row {english!r} of {catalogue_path(language, 'messages').name} must keep "
                                     f"its fields {sorted(set(_FIELD.findall(english)))} in the translation")
        rows.append((english, translated))
    return rows


def language_of(notebook):
    """The language (a key of LANGUAGES) a notebook was handed out in, from the ``language`` its translated
    handout writes into its metadata (translated_notebook); None for English or a language we have no table of."""
    tag = str(notebook.get("metadata", {}).get("language", "")).replace("_", "-").lower()
    return next((language for language, locale in LANGUAGES.items() if locale.replace("_", "-").lower() == tag), None)


@functools.cache
def message_table(language):
    """The grading.messages Table of ``language`` (messages.po), or None for English: the one table the
    translated handouts' public tests and the grader's feedback both translate with."""
    from .messages import Table

    return None if language in (None, "en") else Table(message_rows(language))


def needs_translation(text):
    """Whether ``text`` holds words (not only code, such as "gradients['dx']" or "sample(temperature=0.5)")."""
    return isinstance(text, str) and _WORDS.search(text) is not None


def untranslated(text, table):
    """The parts of ``text`` that need a translation and that no row of ``table`` translates ([] when none)."""
    if not needs_translation(text):
        return []
    for _, pattern, _ in table.rows:
        match = pattern.fullmatch(text)
        if match is not None:
            return [part for value in match.groupdict().values() for part in untranslated(value, table)]
    return [text]


def strings_in(value):
    """The strings in ``value``: itself if it is one, else those in its items (lists, tuples) or values (dicts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


def untranslated_messages(record, table):
    """'grade_id: text' for every text a public test of ``record`` may show that ``table`` does not translate."""
    missing = []
    for grade_id, test in record.items():
        for event in test["events"]:
            if event["kind"] == "compare":  # its name and hint (a call's first argument is a function's name)
                for text in strings_in([event["args"], event["kwargs"]]):
                    missing += [f"{grade_id}: {part!r}" for part in untranslated(text, table)]
    return list(dict.fromkeys(missing))


def main(argv=None):
    """Update the catalogues of the given assignments (default: all released ones); 1 if a translation is missing."""
    import sys

    import nbformat

    from . import ASSIGNMENTS

    names = (sys.argv[1:] if argv is None else argv) or list(ASSIGNMENTS)
    root = LOCALE.parent.parent
    problems = []
    for name in names:
        notebook = nbformat.read(root / "assignments" / name / f"{name}.ipynb", as_version=4)
        for language in LANGUAGES:
            print(f"updated {update_catalogue(notebook, name, language).relative_to(root)}")
            problems += notebook_problems(notebook, name, language)
    print("\n".join(problems) if problems else "every cell is translated")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
