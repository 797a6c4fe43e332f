"""Markdown rendered to HTML that can run no script: for written answers shown to instructors and students.

A student's markdown answer may hold raw HTML (``<script>``, ``<img onerror=...>``,
``<a href="javascript:...">``); nbgrader's formgrader and feedback templates
render markdown cells with nbconvert's ``markdown2html`` and no cleaning, so
such an answer would run in the instructor's browser. ``nbgrader_config.py``
replaces that filter with :func:`markdown2html`: the same rendering, then
bleach (the HTML sanitiser nbconvert itself uses for ``sanitize_html``) keeps
only the tags and attributes of ordinary notebook markdown, drops every
event handler, ``style`` and ``<script>``, and allows links only to web,
mail or in-page addresses and images only from the notebook's folder or
embedded PNG, JPEG or GIF data. Equations stay as text for MathJax.
"""
import re

import bleach
from jinja2 import pass_context
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"})
_COMMON_ATTRIBUTES = ("class", "id", "title")
_LINK = re.compile(r"^(https?:|mailto:|#|[^:/?#]*(/|$|[?#]))", re.I)  # web, mail, in-page or relative
_IMAGE = re.compile(r"^(data:image/(png|jpeg|gif);base64,|[^:/?#]+(/|$|[?#]))", re.I)  # embedded or relative


def _allowed_attribute(tag, name, value):
    if name in _COMMON_ATTRIBUTES:
        return True
    if tag == "a" and name == "href":
        return bool(_LINK.match(value))
    if tag == "img":
        return name in ("alt", "width", "height") or (name == "src" and bool(_IMAGE.match(value)))
    if tag in ("td", "th"):
        return name in ("align", "colspan", "rowspan")
    if tag == "ol":
        return name == "start"
    return False


def clean(html):
    """``html`` with every tag, attribute and address outside the allowed lists removed (their text kept)."""
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes=_allowed_attribute,
                        protocols=["http", "https", "mailto", "data"], strip=True, strip_comments=True)


@pass_context
def markdown2html(context, source):
    """nbconvert's markdown2html filter (equations kept for MathJax), then :func:`clean`."""
    cell = context.get("cell", {})
    renderer = IPythonRenderer(escape=False, attachments=cell.get("attachments", {}), embed_images=False,
                               path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                               anchor_link_text="¶")
    return clean(MarkdownWithMath(renderer=renderer).render(source))
