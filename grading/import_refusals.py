"""The notebooks an import refused, kept in the gradebook so that ``status`` and ``export`` can say why.

A refused notebook is never placed (nothing for nbgrader to grade), so
without this table the student would read as having submitted nothing. A
row holds the latest refusal of a student's submission of an assignment; a
later import or ``place`` that accepts a notebook of theirs removes it.
"""
import datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, create_engine, delete, select

_metadata = MetaData()
REFUSALS = Table(
    "import_refusals", _metadata,
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("refused_at", DateTime, nullable=False),
)


def _engine(db_url):
    engine = create_engine(db_url)
    _metadata.create_all(engine, checkfirst=True)
    return engine


def update(db_url, assignment, refused=None, accepted=()):
    """Record ``refused`` ({student: reason}) and forget the refusals of the ``accepted`` students, at once."""
    refused = refused or {}
    engine = _engine(db_url)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        for student in {*refused, *accepted}:
            connection.execute(delete(REFUSALS).where((REFUSALS.c.assignment == assignment)
                                                      & (REFUSALS.c.student == student)))
        for student, reason in refused.items():
            connection.execute(REFUSALS.insert().values(assignment=assignment, student=student, reason=reason,
                                                        refused_at=now))
    engine.dispose()


def refusals(db_url, assignment):
    """{student: reason} of the refused imports of ``assignment`` not followed by an accepted one."""
    engine = _engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(select(REFUSALS.c.student, REFUSALS.c.reason)
                                  .where(REFUSALS.c.assignment == assignment)).all()
    engine.dispose()
    return dict(rows)
