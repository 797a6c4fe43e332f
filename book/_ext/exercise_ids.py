"""Unique, readable element ids for exercises and their solutions.

sphinx-exercise gives the body of every exercise the id "exercise-content"
and of every solution "solution-content", so a chapter with five exercises
repeats each id five times (invalid HTML; a link or a screen reader's
landmark lands on the first). An unlabelled solution gets the id
"book/chapters/10_lstm-solution-1", slashes included. Once references are
resolved, each body takes its box's id ("ch10-count-content") and each
unlabelled solution the id of the exercise it solves ("ch10-count-solution").
"""
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node

CONTENT_IDS = {"exercise-content", "solution-content"}


def rename_ids(app, doctree, docname):
    for box in doctree.findall(lambda n: isinstance(n, (exercise_node, exercise_enumerable_node, solution_node))):
        if isinstance(box, solution_node) and box.get("target_label") and any("/" in i for i in box["ids"]):
            box["ids"] = [f"{box['target_label']}-solution"]
        if not box["ids"]:
            continue
        for child in box.children:
            if CONTENT_IDS & set(child.get("ids", [])):
                child["ids"] = [f"{box['ids'][0]}-content"]


def setup(app):
    app.connect("doctree-resolved", rename_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
