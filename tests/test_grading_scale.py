"""Scale: parallel workers on SQLite, PostgreSQL for concurrent graders, a Dask local cluster."""
import pytest

from grading.batch import finished, grade_all
from grading.checks import graded_tests
from grading_fixtures import (
    ASSIGNMENT,
    TEST_LIMITS,
    build_submission,
    expected_score,
    gradebook_scores,
    make_course,
    submit,
)

MIXED = {"honest": "honest", "stub": "monkeypatch_numpy", "partial": "write_gradebook", "crash": "os_exit"}


def _submit_all(course, prefix="", tricks=MIXED):
    for student, name in tricks.items():
        submit(course, prefix + student, build_submission(name))
    return {prefix + student: expected_score(name) for student, name in tricks.items()}


def test_two_workers_on_sqlite_lose_no_grade(course):
    expected = _submit_all(course)
    outcomes = grade_all(course, ASSIGNMENT, workers=2, limits=TEST_LIMITS, progress=False)

    assert sorted(o["student"] for o in outcomes) == sorted(expected)
    assert all(o["status"] == "graded" for o in outcomes), [o["message"] for o in outcomes]
    assert {s: score for s, (score, _) in gradebook_scores(course).items()} == expected


@pytest.fixture(scope="module")
def postgres_url():
    from postgres_server import PostgresUnavailable, throwaway_server

    try:
        with throwaway_server() as url:
            yield url
    except PostgresUnavailable as reason:
        pytest.skip(f"PostgreSQL server binaries missing ({reason}); run scripts/install_system_packages.sh")


def test_batch_workers_and_a_dask_cluster_grade_into_one_postgresql_gradebook(postgres_url, tmp_path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grading.distributed import grade_all_dask, local_cluster
    from grading.scoring import nbgrader_config

    course = make_course(tmp_path / "course", db_url=postgres_url)
    few = {"honest": "honest", "partial": "write_gradebook"}
    expected = _submit_all(course, prefix="batch_", tricks=few)
    expected.update(_submit_all(course, prefix="dask_", tricks=few))
    batch = grade_all(course, ASSIGNMENT, workers=2, db_url=postgres_url, limits=TEST_LIMITS, progress=False,
                      students=[s for s in expected if s.startswith("batch_")])
    client = local_cluster(workers=2)
    try:
        dask = grade_all_dask(client, course, ASSIGNMENT, db_url=postgres_url, limits=TEST_LIMITS, progress=False)
    finally:
        client.cluster.close()
        client.close()

    assert sorted(o["student"] for o in dask) == sorted(s for s in expected if s.startswith("dask_"))
    assert all(o["status"] == "graded" for o in batch + dask), [o["message"] for o in batch + dask]
    assert {s: score for s, (score, _) in gradebook_scores(course, postgres_url).items()} == expected
    assert sorted(finished(postgres_url, ASSIGNMENT)) == sorted(expected)
    config = nbgrader_config(course, postgres_url)
    assert NbGraderAPI(CourseDirectory(config=config), config=config).get_submission(ASSIGNMENT, "dask_honest")


def test_the_plain_nbgrader_commands_work_on_a_postgresql_gradebook(postgres_url, tmp_path):
    # nbgrader_config.py names the course: PostgreSQL, unlike SQLite, enforces that the
    # course row a gradebook's assignments point to exists
    import csv
    import shutil

    from sqlalchemy import create_engine, text

    from grading import nbgrader_commands
    from grading_fixtures import ROOT, SOURCE

    with create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("CREATE DATABASE plain_commands"))
    url = postgres_url.replace("/gradebook?", "/plain_commands?")
    course = tmp_path / "course"
    shutil.copytree(SOURCE.parent, course / "solutions" / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    database = ["--db", url]
    nbgrader_commands.release([ASSIGNMENT], course, database)
    nbgrader_commands.place("honest", ASSIGNMENT, SOURCE, course)
    nbgrader_commands.place("blank", ASSIGNMENT, course / "assignments" / ASSIGNMENT / SOURCE.name, course)
    nbgrader_commands.autograde(ASSIGNMENT, course_dir=course, extra_args=database)
    nbgrader_commands.feedback(ASSIGNMENT, course_dir=course, extra_args=database)
    with open(nbgrader_commands.export(tmp_path / "grades.csv", course, database)) as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {"honest": float(sum(t.points for t in graded_tests(ASSIGNMENT).values())), "blank": 0.0}
    assert (course / "feedback" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()
