"""Emit each inline <script> once per page.

Sphinx 7.4 registers an inline script added after the builder starts (as
sphinx-thebe and sphinx-togglebutton do) twice: once with no file name and
once with an empty one, which its duplicate check tells apart. A repeated
``const THEBE_JS_URL`` is then a SyntaxError in every page's console.
"""


def drop_repeated_inline_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        if not script.filename:
            key = tuple(sorted(script.attributes.items()))
            if key in seen:
                continue
            seen.add(key)
        unique.append(script)
    context["script_files"][:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_inline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
