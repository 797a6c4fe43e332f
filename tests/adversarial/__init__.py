"""One adversarial submission of assignment 1 per module, each with the score it must get.

A module defines
- HONEST: grade_ids of solution cells that keep the instructor's (correct) solution;
- CELLS: grade_id -> the student's source for other solution cells (the rest keep the release's stub);
- ADDED: code cells the student appended at the end of the notebook;
- EDIT: optional function(notebook) that changes the notebook further (locked cells, metadata);
- PASSING: the functions whose checks must pass; the expected score is the points of those checks.
"""
