"""The single-page build (the source of the whole-book PDF, `make pdf`) renders
every node the website's build renders.

myst-nb registers how to write its folded code cells (HideCodeCellNode, for
hide-input and hide-cell tags) for the "html" builder only; Sphinx looks such
handlers up by builder name, so "singlehtml" stopped at the first folded cell.
It gets the "html" builder's handlers for every node it has none for.
"""


def share_html_handlers(app):
    if app.builder.name == "html" or app.builder.format != "html":
        return
    handlers = app.registry.translation_handlers
    own = handlers.setdefault(app.builder.name, {})
    for node, visitors in handlers.get("html", {}).items():
        own.setdefault(node, visitors)


def setup(app):
    app.connect("builder-inited", share_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
