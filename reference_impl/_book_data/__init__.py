"""The data files the book's chapters read, shipped inside the library.

A chapter opened alone (Colab, Binder, a downloaded notebook) has no book
folder next to it, only the library installed from its wheel, so the files a
chapter reads live here and are read through importlib.resources, which finds
them wherever the package is installed. Private: the API reference leaves it
out, and grading.course_code never hands it out (it copies only the data folders
of a module's package that have no ``__init__.py``), so neither a handout nor
the grading sandbox holds these files. Where each file comes from: README.md.
"""
import json
from importlib import resources


def _resource(name):
    folder = resources.files(__name__)
    resource = folder / name
    if not resource.is_file():
        shipped = sorted(item.name for item in folder.iterdir() if item.name.endswith((".txt", ".json")))
        raise FileNotFoundError(f"no book data file {name!r}: expected one of {', '.join(shipped)}")
    return resource


def read_text(name):
    """The text of the book data file ``name`` (e.g. "the_time_machine.txt"), decoded as UTF-8."""
    return _resource(name).read_text(encoding="utf-8")


def load_json(name):
    """The parsed contents of the book data JSON file ``name`` (e.g. "agreement_sweep.json")."""
    return json.loads(read_text(name))
