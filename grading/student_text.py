"""Text a student controls, made safe to show in a terminal, a log or a notebook.

A check's message, an exception raised by a student's function, a cell id or
a student folder name can carry a carriage return, an ANSI escape sequence,
a newline or a Unicode direction override. Printed raw, such text could
rewrite the line before it, colour itself like the grader's own output or
start a line that looks like another student's result. :func:`printable`
spells every such character out (``\\r``, ``\\x1b``, ``\\u202e``), so one
piece of student text always stays on one visible line and reads as what it is.
"""
import html
import unicodedata

# control characters (Cc), format characters such as direction overrides and
# zero-width joiners (Cf), line and paragraph separators (Zl, Zp), lone surrogates (Cs)
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _spelled(char):
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text, limit=None, keep=""):
    """``text`` with every control, format and separator character spelled out, cut to ``limit`` characters.

    Characters in ``keep`` stay as they are: ``keep="\n\t"`` for a student's
    printed output shown in a box of its own, where its lines are its own.
    """
    text = "" if text is None else str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    return "".join(_spelled(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES and c not in keep else c
                   for c in text)


def notes_markdown(title, lines):
    """A markdown cell's source: ``title`` in bold, then ``lines`` (student text) shown literally.

    The lines go into a ``<pre>`` block, HTML-escaped: markdown, HTML and
    MathJax all leave a ``<pre>`` block's text as it is, and an escaped
    ``</pre>`` cannot close it early.
    """
    body = "\n".join(html.escape(printable(line), quote=False) for line in lines)
    return f"**{title}**\n\n<pre class=\"grading-notes\">\n{body}\n</pre>\n"
