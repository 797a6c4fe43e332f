"""The course's late-penalty rule, as a plugin of nbgrader's late-submission step.

nbgrader's autograde (``AssignLatePenalties``) asks this plugin for the
penalty of every notebook submitted after its assignment's due date (plus any
extension the gradebook holds); the submission time is the ``timestamp.txt``
that ``python -m grading import`` and ``place`` write. The rule is configured
in the course's ``nbgrader_config.py``, e.g.::

    c.AssignLatePenalties.plugin_class = "grading.late_penalty.LatePenalty"
    c.LatePenalty.percent_per_day = 10    # of the notebook's score, per started day late
    c.LatePenalty.max_percent = 50        # never more than this
    c.LatePenalty.zero_after_days = 7     # later than this: the score is 0 (None: never)

nbgrader computes the penalty when it autogrades, from the score at that
moment (the automatic points; written answers graded later are not reduced).
"""
import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY_SECONDS = 24 * 3600


class LatePenalty(LateSubmissionPlugin):
    """A percentage of the score per started day late, capped, and optionally zero after a deadline."""

    percent_per_day = Float(0.0, help="percent of the score lost per started day late").tag(config=True)
    max_percent = Float(100.0, help="the most percent a late submission loses").tag(config=True)
    zero_after_days = Float(None, allow_none=True,
                            help="a submission later than this many days gets 0 (None: never)").tag(config=True)
    grace_minutes = Float(0.0, help="this many minutes late count as on time").tag(config=True)

    def percent(self, seconds_late):
        """The percent of the score lost by a submission ``seconds_late`` after the due date."""
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        if self.zero_after_days is not None and seconds_late > self.zero_after_days * DAY_SECONDS:
            return 100.0
        return min(self.max_percent, self.percent_per_day * math.ceil(seconds_late / DAY_SECONDS))

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return round(score * self.percent(total_seconds_late) / 100.0, 6)

    def describe(self):
        """The rule in one line, for status and the README."""
        rule = f"{self.percent_per_day:g}% per started day late, at most {self.max_percent:g}%"
        if self.zero_after_days is not None:
            rule += f", 0 points after {self.zero_after_days:g} days"
        if self.grace_minutes:
            rule += f" ({self.grace_minutes:g} minutes' grace)"
        return rule
