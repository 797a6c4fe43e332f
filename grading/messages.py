"""Messages of the public tests in another language: one table holds each English message and its translation.

The checks (grading.checks) and the handouts' public tests
(grading.handout_runtime) write their messages in English. A translated
handout carries a table of rows (English, translation), made from the
catalogue ``grading/locale/<language>/messages.po`` (msgid the English,
msgstr the translation) by grading.handouts, and its public tests pass every
message through :meth:`Table.translate` before a student reads it.

A row's English may hold fields in braces, ``{name}``: a field matches any
text, and that text is translated in turn (the name of a value, a hint)
before it takes its place in the translation. A message is translated line
by line, each line matched as a whole; of the rows that match, the one with
the most fixed text wins. A line no row matches is left as it is (a student's
own error message, a row of numbers).

Shipped unchanged as ``course_helpers/_messages.py`` in a translated handout.
"""
import json
import re
from pathlib import Path

_FIELD = re.compile(r"\{(\w+)\}")
# A row keeps a space around a field, as Chinese text does around code ("返回的 {value}"); when the field
# itself comes out in Chinese, the space between two Chinese characters goes.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_IN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


class Table:
    """Rows (English, translation) that translate a message; see the module's docstring."""

    def __init__(self, rows):
        self.rows = []
        for english, translated in rows:
            parts = _FIELD.split(english)
            pattern = "".join(re.escape(part) if k % 2 == 0 else f"(?P<{part}>.+?)" for k, part in enumerate(parts))
            fixed = sum(len(part) for part in parts[::2])
            self.rows.append((fixed, re.compile(pattern, re.S), translated))
        self.rows.sort(key=lambda row: -row[0])  # the most specific row first

    @classmethod
    def load(cls, path):
        """The table in the JSON file ``path`` (a list of [English, translation] pairs), None if there is none."""
        path = Path(path)
        return cls(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None

    def translate(self, text):
        """``text`` translated line by line."""
        return "\n".join(self.translate_line(line) for line in text.split("\n"))

    def translate_line(self, text):
        """One line translated by the most specific row that matches it whole, or ``text`` itself."""
        for _, pattern, translated in self.rows:
            match = pattern.fullmatch(text)
            if match is not None:
                fields = {name: self.translate_line(value) for name, value in match.groupdict().items()}
                # the lambda runs inside this iteration (re.sub calls it at once): no late binding
                text = _FIELD.sub(lambda field: fields.get(field.group(1), field.group(0)), translated)  # noqa: B023
                return _SPACE_IN_CJK.sub("", text)
        return text

    def matches(self, text):
        """Whether a row matches the line ``text`` whole."""
        return any(pattern.fullmatch(text) is not None for _, pattern, _ in self.rows)
