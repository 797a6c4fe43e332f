"""Translated handouts (grading.translation, grading.messages): every text translated, a stale one named.

The notebooks' Markdown cells are translated in grading/locale/zh_CN/<assignment>.po (one entry per
cell, keyed by the cell's id) and the public tests' messages in grading/locale/zh_CN/messages.po (one
table, English and Chinese side by side). An English edit is flagged, naming the cell or the message,
until its translation follows; the Chinese uses the glossary's terms.
"""
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grading import ASSIGNMENTS, translation
from grading.handouts import build_handout, record_public_tests
from grading.messages import Table

REPO = Path(__file__).resolve().parent.parent


def _release(name):
    return nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4)


@pytest.fixture
def locale(tmp_path, monkeypatch):
    """A copy of grading/locale that a test may change."""
    copy = tmp_path / "locale"
    shutil.copytree(translation.LOCALE, copy)
    monkeypatch.setattr(translation, "LOCALE", copy)
    return copy


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_instruction_cell_of_every_release_has_a_current_translation(name):
    assert translation.catalogue_path("zh", name) == REPO / "grading" / "locale" / "zh_CN" / f"{name}.po"
    assert translation.notebook_problems(_release(name), name, "zh") == []


def test_a_changed_english_cell_is_named_until_its_translation_follows(locale, tmp_path):
    name = ASSIGNMENTS[0]
    notebook = _release(name)
    cell = next(c for c in notebook.cells if c.id == "md-3")
    cell.source += "\nOne more English sentence."
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new paragraph."))
    notebook.cells[-1].id = "md-new"
    problems = translation.notebook_problems(notebook, name, "zh")
    where = translation.catalogue_path("zh", name).relative_to(locale.parent.parent)  # grading/locale/... in the tree
    assert problems == [f"cell md-3 of {name} changed since it was translated: update its entry in {where}",
                        f"cell md-new of {name} has no translation in {where}"]
    with pytest.raises(translation.MissingTranslation, match="cell md-3 of"):
        translation.translated_notebook(notebook, name, "zh")
    # the catalogue, updated, keeps the old translation marked fuzzy: still stale until someone edits it
    translation.update_catalogue(notebook, name, "zh")
    assert translation.notebook_problems(notebook, name, "zh") == problems
    # a release changed that way cannot build its Chinese handout
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions" / name, course / "solutions" / name)
    (course / "assignments" / name).mkdir(parents=True)
    nbformat.write(notebook, course / "assignments" / name / f"{name}.ipynb")
    with pytest.raises(translation.MissingTranslation, match="md-new"):
        build_handout(name, course, tmp_path / "out", "zh")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_message_of_every_public_test_has_a_chinese_translation(name):
    record, _ = record_public_tests(REPO, name)
    assert translation.untranslated_messages(record, Table(translation.message_rows("zh"))) == []


def test_a_changed_hint_is_named_until_its_translation_follows(monkeypatch, tmp_path):
    from grading.checks import rnn_step_by_step

    monkeypatch.setattr(rnn_step_by_step, "FORWARD_HINT", "is it tanh of the sum, with the bias added?")
    record, _ = record_public_tests(REPO, "rnn_step_by_step")
    missing = translation.untranslated_messages(record, Table(translation.message_rows("zh")))
    assert missing == ["rnn_cell_forward_state: 'is it tanh of the sum, with the bias added?'"]
    with pytest.raises(translation.MissingTranslation, match="does not translate: rnn_cell_forward_state: 'is it tanh"):
        build_handout("rnn_step_by_step", REPO, tmp_path, "zh")


def test_a_row_must_keep_its_fields(locale):
    path = locale / "zh_CN" / "messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "{name} 尚未定义：请先运行定义它的单元格。"', 'msgstr "尚未定义：请先运行定义它的单元格。"'),
                    encoding="utf-8")
    with pytest.raises(translation.MissingTranslation, match=r"must keep its fields \['name'\]"):
        translation.message_rows("zh")


def test_the_table_translates_fields_in_turn_and_leaves_unknown_lines_alone():
    table = Table([("{name} has shape {actual}, expected {expected}. {hint}", "{name} 的形状是 {actual}，应为 {expected}。{hint}"),
                   ("{value} (first value returned by {function})", "{function} 返回的第一个值 {value}"),
                   ("Check the products.", "请检查乘积。"),
                   ("{name} raised {error}", "{name} 抛出了 {error}")])
    message = "a (first value returned by rnn_forward) has shape (2, 3), expected (3, 2). Check the products."
    assert table.translate(message) == "rnn_forward 返回的第一个值 a 的形状是 (2, 3)，应为 (3, 2)。请检查乘积。"
    assert table.translate("f raised KeyError: 'x'\n  [1. 2.]") == "f 抛出了 KeyError: 'x'\n  [1. 2.]"
    assert table.translate("nothing to translate here") == "nothing to translate here"
    # a field that comes out in Chinese loses the space the row keeps for code
    table = Table([("{name} is wrong", "{name} 不对"), ("the loss", "损失")])
    assert table.translate("the loss is wrong") == "损失不对" and table.translate("loss is wrong") == "loss 不对"


def _glossary():
    """[(English terms, Chinese to use, other Chinese names)] of book/appendix/glossary.md."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    entries = []
    for block in re.split(r"\n\s*\n", (REPO / "book" / "appendix" / "glossary.md").read_text()):
        names = [line.strip() for line in block.splitlines() if line.strip() and not line.startswith(" ")]
        chinese = [line for line in names if cjk.search(line)]
        if chinese:
            entries.append(([line for line in names if not cjk.search(line)], chinese[0], chinese[1:]))
    return entries


def _chinese_texts():
    """Every Chinese text of the handouts: the cells' and the messages' translations."""
    texts = [row[1] for row in translation.message_rows("zh")]
    for name in ASSIGNMENTS:
        notebook = translation.translated_notebook(_release(name), name, "zh")
        texts += [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return texts


# Other terms whose Chinese holds one of the glossary's other names: 预激活值 (pre-activation, the book's term
# for what enters an activation function) is not 激活值 (another textbook's name for the hidden state).
_LONGER_TERMS = ("预激活值",)


def test_the_chinese_uses_the_glossarys_terms_not_other_textbooks_names():
    entries = _glossary()
    assert any(chinese == "隐藏状态" and "隐状态" in others for _, chinese, others in entries)  # the parser reads it
    found = []
    for text in _chinese_texts():
        for term in _LONGER_TERMS:
            text = text.replace(term, "")
        for english, chinese, others in entries:
            for other in others:
                # "隐状态" inside the glossary's own "隐藏状态"-free text only: a name that is part of the term is fine
                if other in text.replace(chinese, ""):
                    found.append(f"{other} (use {chinese} for {english[0]}) in {text[:40]!r}")
    assert found == []


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_chinese_introduction_states_the_rules_of_grading(name):
    """As the English one does (tests/test_handouts.py): what may be imported, the grader's time limits, and that a
    person reads the written answers."""
    from grading.sandbox import Limits

    first = translation.translated_notebook(_release(name), name, "zh").cells[0].source
    rules = first[first.index("**评分方式。**"):]
    limits = Limits()
    assert f"每个单元格限时 {limits.cell_seconds:g} 秒，整个笔记本限时 {limits.notebook_seconds:g} 秒" in rules
    assert "NumPy、matplotlib、tqdm" in rules and ("PyTorch" in rules) == (name == "torch_lstm_lm")
    assert "书面回答由老师人工阅读" in rules


_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
_CODE = re.compile(r"`[^`]*`")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_translations_keep_every_formula_and_code_span_of_the_english(name):
    """Only prose is translated: each cell's math and inline code are those of the English cell, in any order."""
    notebook = _release(name)
    chinese = {cell.id: cell.source for cell in translation.translated_notebook(notebook, name, "zh").cells}
    for cell_id, english in translation.translatable_cells(notebook):
        for pattern in (_MATH, _CODE):
            text_en, text_zh = (_MATH.sub("", text) if pattern is _CODE else text for text in (english, chinese[cell_id]))
            assert sorted(pattern.findall(text_zh)) == sorted(pattern.findall(text_en)), (name, cell_id, pattern.pattern)
