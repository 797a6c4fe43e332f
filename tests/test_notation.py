"""The notation table (book/data/notation.yml): every name it lists exists where it says, and its page is current."""
import ast
import importlib.util
import inspect
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("notation_page", REPO / "scripts" / "notation_page.py")
notation_page = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notation_page)


def code_names(path):
    """Names a file's code uses: variables, arguments, functions, classes, attributes, keywords and string constants.

    Comments, docstrings and prose do not count (a docstring is never one bare name). For a notebook,
    the code cells, with IPython-only lines (%magic, !shell) left out.
    """
    if path.suffix == ".ipynb":
        cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for cell in cells for line in cell.splitlines())
    else:
        source = path.read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
    return names


def places(node, path=()):
    """Every {file, names} mapping in the table, with where it sits in it."""
    if isinstance(node, dict):
        if set(node) == {"file", "names"}:
            yield path, node
            return
        for key, value in node.items():
            yield from places(value, path + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from places(value, path + (k,))


def missing_names(table):
    """'file: name (where in the table)' for every listed name its file does not use."""
    problems, cache = [], {}
    for where, place in places(table):
        file = REPO / place["file"]
        if not file.exists():
            problems.append(f"{place['file']} does not exist ({'/'.join(map(str, where))})")
            continue
        known = cache.setdefault(file, code_names(file))
        problems += [f"{place['file']}: {name} ({'/'.join(map(str, where))})"
                     for name in place["names"] if name not in known]
    return problems


def retired_names_in_use(table):
    """'file: name (idea)' for every retired name of an inconsistency that a file listed anywhere in the table uses."""
    files = sorted({place["file"] for _, place in places(table)})
    problems, cache = [], {}
    for item in table["inconsistencies"]:
        for name in item.get("retired", ()):
            problems += [f"{file}: {name} ({item['idea']})" for file in files
                         if name in cache.setdefault(file, code_names(REPO / file))]
    return problems


@pytest.fixture(scope="module")
def table():
    return notation_page.load()


def test_every_symbol_names_the_library_the_assignments_and_the_torch_code(table):
    incomplete = [entry["symbol"] for entry in table["symbols"]
                  if not all(key in entry for key in ("tex", "meaning", "shape", "library", "assignments", "torch"))]
    assert not incomplete, f"symbols without a name in every place: {incomplete}"
    undecided = [item["idea"] for item in table["inconsistencies"]
                 if not all(item.get(key) for key in ("names", "decision", "done", "remaining"))]
    assert not undecided, f"inconsistencies without names, decision, done and remaining: {undecided}"


def test_every_listed_name_exists_where_the_table_says(table):
    assert len(list(places(table))) > 40
    problems = missing_names(table)
    assert not problems, "names in book/data/notation.yml that their file does not use:\n" + "\n".join(problems)


def test_name_check_reports_a_misspelt_name_and_a_missing_file():
    table = {"symbols": [{"library": {"file": "reference_impl/lstm.py", "names": ["gamma_u", "gamma_uu", "c_tilde"]}},
                         {"torch": {"file": "reference_impl/nowhere.py", "names": ["x"]}}]}
    assert missing_names(table) == ["reference_impl/lstm.py: gamma_uu (symbols/0/library)",
                                    "reference_impl/nowhere.py does not exist (symbols/1/torch)"]


def test_no_retired_name_comes_back(table):
    output_weights = next(item for item in table["inconsistencies"] if item["idea"] == "the output weights")
    assert {"Wy", "dWy"} <= set(output_weights["retired"])
    problems = retired_names_in_use(table)
    assert not problems, "retired names in book/data/notation.yml that a file it lists uses again:\n" + "\n".join(problems)


def test_retired_name_check_reports_a_file_that_uses_one(tmp_path):
    gated = tmp_path / "gated.py"
    gated.write_text('"""Wy in prose is fine."""\ndef cell(parameters):\n    return parameters["Wy"], parameters["Wya"]\n')
    table = {"symbols": [{"library": {"file": str(gated), "names": ["Wya"]}}],
             "inconsistencies": [{"idea": "the output weights", "retired": ["Wy", "dWy"]}]}
    assert retired_names_in_use(table) == [f"{gated}: Wy (the output weights)"]


# The stored results the chapters read and the scripts that write them describe their models in words and TeX,
# where a retired name can come back unseen by code_names (an f-string, a JSON value).
STORED_RESULTS = sorted((REPO / "reference_impl" / "_book_data").glob("*.json")) + sorted((REPO / "scripts").glob("*.py"))


def tex_of(name):
    """A parameter's name as the book writes it: its letter, then the rest as subscript (Wya -> W_{ya}, Wy -> W_y)."""
    rest = name[1:]
    return f"{name[0]}_{rest}" if len(rest) == 1 else f"{name[0]}_{{{rest}}}"


def retired_tex_in_use(table, files):
    """'file: tex (idea)' for every retired parameter name (a capital and its subscript) written in TeX in ``files``."""
    problems = []
    for item in table["inconsistencies"]:
        for name in item.get("retired", ()):
            if re.fullmatch(r"[A-Z][a-z]+", name):
                written = re.compile(re.escape(tex_of(name)) + r"(?![\w{])")
                problems += [f"{file}: {tex_of(name)} ({item['idea']})" for file in files
                             if written.search(Path(file).read_text(encoding="utf-8"))]
    return problems


def test_stored_results_write_the_output_weights_as_the_book_does(table):
    output_layer = next(entry for entry in table["symbols"] if entry["symbol"] == "Wya, by")
    assert output_layer["tex"].startswith(tex_of("Wya"))
    problems = retired_tex_in_use(table, STORED_RESULTS)
    assert not problems, "retired names written in TeX in stored results or their scripts:\n" + "\n".join(problems)


def test_retired_tex_check_reports_the_old_name_and_not_the_new(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text('{"training": "LSTM -> W_y a + b_y"}')
    new.write_text('{"training": "LSTM -> W_{ya} a + b_y, W_ya"}')
    table = {"inconsistencies": [{"idea": "the output weights", "retired": ["Wy", "dWy"]}]}
    assert retired_tex_in_use(table, [old, new]) == [f"{old}: W_y (the output weights)"]


def test_a_name_only_in_a_comment_or_docstring_does_not_count(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('"""Uses gamma_i."""\n# gamma_f\nparameters = {"Wi": 1}\n\n\ndef f(xt):\n    return xt.T\n')
    assert code_names(module) >= {"Wi", "xt", "f", "T", "parameters"}
    assert not {"gamma_i", "gamma_f"} & code_names(module)


def test_the_torch_cells_carry_the_keys_of_the_numpy_dicts(table):
    pytest.importorskip("torch")
    from reference_impl.recurrent_layer import initialize_layer_parameters
    from reference_impl.torch_models.cells import make_cell

    for cell, keys in table["parameter_keys"].items():
        assert sorted(name for name, _ in make_cell(cell, 3, 4).named_parameters()) == sorted(keys), cell
        assert sorted(initialize_layer_parameters(cell, 3, 4)) == sorted(keys), cell


def test_the_notation_page_is_generated_from_the_table(table):
    page = notation_page.PAGE.read_text(encoding="utf-8")
    assert page == notation_page.render(table), "book/appendix/notation.md is not current: run scripts/notation_page.py"
    for entry in table["symbols"]:
        assert f"${entry['tex']}$" in page


def _notebook_signature(notebook, function):
    """(name, default) of each argument of ``function`` as a notebook's code cell defines it (read, not run)."""
    for cell in nbformat.read(REPO / notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse("\n".join(line for line in cell.source.splitlines()
                                                 if not line.lstrip().startswith(("%", "!"))))):
            if isinstance(node, ast.FunctionDef) and node.name == function:
                names = [a.arg for a in node.args.args]
                defaults = [None] * (len(names) - len(node.args.defaults)) + [ast.literal_eval(d) for d in node.args.defaults]
                return list(zip(names, defaults))
    raise AssertionError(f"{notebook} defines no {function}")


def _signature(function):
    return [(p.name, None if p.default is inspect.Parameter.empty else p.default)
            for p in inspect.signature(function).parameters.values()]


def test_every_sampler_has_the_one_signature():
    """sample(parameters_or_model, vocab, seed=0, temperature=1.0, max_length=50, avoid_unk=True): the NumPy and torch
    samplers take exactly these arguments; the assignments' take them without avoid_unk (they never draw <UNK>)."""
    torch_models = pytest.importorskip("reference_impl.torch_models")
    from reference_impl.sampling import sample

    expected = [("vocab", None), ("seed", 0), ("temperature", 1.0), ("max_length", 50), ("avoid_unk", True)]
    assert _signature(sample) == [("parameters", None)] + expected
    assert _signature(torch_models.sample) == [("model", None)] + expected
    for notebook, function in (("solutions/char_language_model/char_language_model.ipynb", "sample"),
                               ("solutions/torch_lstm_lm/torch_lstm_lm.ipynb", "sample_torch")):
        assert _notebook_signature(notebook, function) == [("parameters", None)] + expected[:-1], notebook
