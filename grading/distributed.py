"""The same grading jobs on a Dask cluster, for more submissions than one machine grades in time.

Dask distributed runs plain Python functions on worker processes of one or
many machines and ships in a local mode (``LocalCluster``) that the tests
use; Ray or Celery would also do, but Dask needs no broker and no extra
service. Each task is :func:`grading.batch.grade_one`, unchanged: scoring in
a sandbox on the worker, then recording through nbgrader. Workers on several
machines need the course folder at the same path (a shared file system) and
a gradebook they can all reach: PostgreSQL (``--db postgresql://...``); SQLite's
locks do not work across machines on a network file system.

A task whose workers keep dying (Dask gives up after its allowed failures and
raises ``KilledWorker``) ends as an error recorded for its submission, like a
dead worker of grading.batch, and the other tasks go on.
"""
from .batch import default_db_url, grade_one, todo
from .sandbox import Limits
from .student_text import printable


def local_cluster(workers=2):
    """A Dask cluster of ``workers`` single-threaded worker processes on this machine; close it after use."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)


def _failed_task_outcome(db_url, assignment, student, error):
    from .batch import record_status

    outcome = {"student": student, "status": "error", "score": 0.0, "max_score": None, "seed": None,
               "message": printable(f"the grading task failed on the cluster ({type(error).__name__}: {error}); "
                                    "grade it again", limit=2000)}
    try:
        record_status(db_url, assignment, student, outcome)
    except Exception as second:
        outcome["message"] += f" (and it could not be recorded: {second})"
    return outcome


def grade_all_dask(client, course_dir, assignment, db_url=None, limits=Limits(), force=False, students=None,
                   progress=True):
    """grading.batch.grade_all on the workers of ``client`` (a distributed.Client); return the outcomes."""
    from distributed import as_completed
    from tqdm import tqdm

    db_url = db_url or default_db_url(course_dir)
    chosen = todo(course_dir, assignment, db_url, force, students)
    futures = {client.submit(grade_one, str(course_dir), assignment, student, db_url, limits, pure=False):
               (student, why) for student, why in chosen}
    outcomes = []
    with tqdm(total=len(futures), desc=f"grading {assignment} on Dask", unit="submission", disable=not progress) as bar:
        for future in as_completed(futures):
            student, why = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # the task's workers died (KilledWorker) or the task could not run
                outcome = _failed_task_outcome(db_url, assignment, student, error)
            outcome["why"] = why
            outcomes.append(outcome)
            bar.update()
    return outcomes
