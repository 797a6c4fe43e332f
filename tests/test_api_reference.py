"""The API reference (book/api): every public function and class of reference_impl is on an API page, every
entry links to the chapter that explains it, and the chapters' links to the entries resolve.

The source-level tests read the docstrings, the pages and the notebooks; the others read the built site
(_build/html, made by `make book` or `jupyter-book build . -W -n`), its Sphinx inventory objects.inv and HTML.
"""
import importlib
import inspect
import json
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
API_CAPTION = "API reference"
CHAPTER_LINK = re.compile(r"See the chapter :doc:`/(book/chapters/\w+)`")
AUTOMODULE = re.compile(r"^\.\. automodule:: ([\w.]+)", re.M)
# the line a chapter carries where it first imports library names (book/chapters/*.ipynb, markdown cells)
API_LINE = re.compile(r"^API reference: .+$", re.M)
ROLE = re.compile(r"\{py:(?:func|class)\}`~([\w.]+)`")


def toc_pages(caption=None):
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages = []
    for part in toc["parts"]:
        if caption is None or part["caption"] == caption:
            for chapter in part["chapters"]:
                pages.append(chapter["file"])
                pages.extend(section["file"] for section in chapter.get("sections", []))
    return pages


def public_modules():
    """reference_impl's public modules, and reference_impl.torch_models' when torch is installed."""
    import reference_impl

    packages = [reference_impl]
    if importlib.util.find_spec("torch") is not None:
        packages.append(importlib.import_module("reference_impl.torch_models"))
    return [f"{package.__name__}.{info.name}" for package in packages
            for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_") and not info.ispkg]


def public_objects():
    """(qualified name, object) of every public function and class defined in a public module."""
    found = []
    for name in public_modules():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if not attribute.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value)) \
                    and value.__module__ == name:
                found.append((f"{name}.{attribute}", value))
    return found


def api_pages():
    """{page: [documented modules]} of the API reference part of _toc.yml."""
    return {page: AUTOMODULE.findall((REPO / f"{page}.md").read_text()) for page in toc_pages(API_CAPTION)}


def english_docstring_pages():
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    return config["sphinx"]["config"]["english_docstring_pages"]


def test_public_objects_are_found():
    names = [name for name, _ in public_objects()]
    assert "reference_impl.rnn.rnn_forward" in names and "reference_impl.text.Vocabulary" in names
    assert not [name for name in names if name.rsplit(".", 1)[1].startswith("_")]


def test_every_public_module_is_documented_on_an_api_page():
    documented = [module for modules in api_pages().values() for module in modules]
    assert sorted(set(public_modules()) - set(documented)) == [], \
        "add an automodule directive for these modules to a page of book/api (and the page to _toc.yml)"
    assert len(documented) == len(set(documented)), "a module is documented on two API pages"


def test_pages_with_docstrings_are_the_english_docstring_pages():
    with_docstrings = sorted(page for page, modules in api_pages().items() if modules)
    assert sorted(english_docstring_pages()) == with_docstrings, \
        "english_docstring_pages in _config.yml must list exactly the pages that render docstrings"


def test_every_public_docstring_names_its_chapter():
    chapters = set(toc_pages())
    problems = []
    for name, value in public_objects():
        match = CHAPTER_LINK.search(inspect.getdoc(value) or "")
        if match is None:
            problems.append(f"{name}: no 'See the chapter :doc:`/book/chapters/...`' line")
        elif match.group(1) not in chapters:
            problems.append(f"{name}: {match.group(1)} is not a page of _toc.yml")
    assert problems == []


def test_docstrings_are_numpydoc():
    """The CS231n-style headings of the old docstrings ("Arguments:", "Returns:") are gone."""
    old_style = [name for name, value in public_objects()
                 for doc in [inspect.getdoc(value) or ""] + [inspect.getdoc(member) or "" for member in
                                                               vars(value).values() if inspect.isfunction(member)]
                 if re.search(r"^(Arguments|Returns|Attributes):$", doc, re.M)]
    assert old_style == []


def imported_library_names(source):
    """(module, name) of every `from reference_impl... import name` in a code cell."""
    names = []
    for match in re.finditer(r"^from (reference_impl[\w.]*) import (\([^)]*\)|[^\n]*)", source, re.M):
        names.extend((match.group(1), name) for name in re.split(r"[\s,()]+", match.group(2))
                     if re.fullmatch(r"\w+", name) and name != "as")
    return names


def first_imports():
    """{notebook page: qualified names it is the first page (in _toc.yml's order) to import}."""
    documented = {name for name, _ in public_objects()}
    seen, first = set(), {}
    for page in toc_pages():
        notebook = REPO / f"{page}.ipynb"
        if not notebook.exists():
            continue
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code" or "remove-cell" in cell["metadata"].get("tags", []):
                continue
            for module, name in imported_library_names("".join(cell["source"])):
                value = getattr(importlib.import_module(module), name, None)
                qualified = f"{getattr(value, '__module__', '')}.{name}"
                if qualified in documented and qualified not in seen:
                    seen.add(qualified)
                    first.setdefault(page, []).append(qualified)
    return first


def markdown(page):
    cells = json.loads((REPO / f"{page}.ipynb").read_text())["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def test_chapters_link_each_library_name_where_it_is_first_imported():
    first = first_imports()
    assert "reference_impl.rnn.rnn_cell_forward" in first["book/chapters/03_rnn_forward"]
    missing = {page: sorted(set(names) - {target for line in API_LINE.findall(markdown(page))
                                           for target in ROLE.findall(line)})
               for page, names in first.items()}
    assert {page: names for page, names in missing.items() if names} == {}, \
        "add {py:func}`~name` to the 'API reference:' line of these pages"


# The built site


class Links(HTMLParser):
    """Every element id and every link target of a page, and the links inside each API entry."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.entries = set(), [], {}
        self._open = []  # [entry id, depth of its <dl>] of the entries being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "dl":
            for entry in self._open:
                entry[1] += 1
            if re.search(r"\bpy (function|class)\b", attrs.get("class", "")):
                self._open.append([None, 1])
        if tag == "dt" and self._open and self._open[-1][0] is None and "id" in attrs:
            self._open[-1][0] = attrs["id"]
            self.entries[attrs["id"]] = []
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
            for entry_id, _ in self._open:
                if entry_id is not None:
                    self.entries[entry_id].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "dl" and self._open:
            for entry in self._open:
                entry[1] -= 1
            self._open = [entry for entry in self._open if entry[1] > 0]


def read_page(site, page):
    path = site / f"{page}.html"
    if not path.is_file():
        pytest.fail(f"{path} was not built: build the site first with `make book`")
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def inventory(site):
    from sphinx.util.inventory import InventoryFile

    path = site / "objects.inv"
    if not path.is_file():
        pytest.fail(f"no {path}: build the site first with `make book`")
    with path.open("rb") as handle:
        return InventoryFile.load(handle, "", lambda base, uri: uri)


def missing_from_inventory(site):
    entries = inventory(site)
    pages = {f"{page}.html" for page in toc_pages(API_CAPTION)}
    missing = []
    for name, value in public_objects():
        kind = "py:class" if inspect.isclass(value) else "py:function"
        uri = entries.get(kind, {}).get(name, (None, None, "", None))[2]
        if uri.split("#")[0] not in pages:
            missing.append(name)
    return missing


def entries_without_chapter_link(site):
    public = {name for name, _ in public_objects()}
    problems, seen = [], set()
    for page in toc_pages(API_CAPTION):
        for entry, hrefs in read_page(site, page).entries.items():
            if entry in public:
                seen.add(entry)
                if not any(re.match(r"(\.\./)+chapters/\w+\.html", href) for href in hrefs):
                    problems.append(f"{page}: {entry}")
    return problems + [f"{name}: no entry" for name in sorted(public - seen)]


def broken_api_links(site):
    broken, count = [], 0
    pages = {page: read_page(site, page) for page in toc_pages()}
    for page, parser in pages.items():
        if page.startswith("book/api/"):
            continue
        for href in parser.hrefs:
            match = re.fullmatch(r"((?:\.\./)*)api/(\w+)\.html#([\w.]+)", href)
            if match:
                count += 1
                target = pages.get(f"book/api/{match.group(2)}")
                if target is None or match.group(3) not in target.ids:
                    broken.append(f"{page}: {href}")
    return broken, count


def test_every_public_object_is_an_entry_of_an_api_page():
    assert missing_from_inventory(SITE) == []


def test_every_api_entry_links_to_a_chapter():
    assert entries_without_chapter_link(SITE) == []


def test_chapters_links_to_api_entries_resolve():
    broken, count = broken_api_links(SITE)
    assert broken == []
    assert count >= sum(len(names) for names in first_imports().values())
