"""Public tests: the checks students run in their notebooks.

A public test runs the same check as the hidden test of that cell, on fixed
inputs (seed 0), and fails with the check's message: which output is wrong,
the shape it should have and the likely cause. Grading runs the checks again
on inputs drawn at grading time.
"""
from .checks import CheckFailed, run_check

PUBLIC_SEED = 0


def run_public_check(assignment, grade_id, namespace):
    """Run the public test of one graded cell; print a line when it passes.

    Arguments:
    assignment -- the assignment's name, e.g. "rnn_step_by_step"
    grade_id -- the test cell's nbgrader grade_id
    namespace -- where the student's functions live: pass globals()
    """
    message = None
    try:
        run_check(assignment, grade_id, namespace, seed=PUBLIC_SEED)
    except CheckFailed as failure:
        message = str(failure)
    if message is not None:
        # raised outside the except block so the check's frames stay out of the traceback
        raise CheckFailed(message)
    print(f"{grade_id}: public tests passed.")
