"""The API reference keeps the library's docstrings in English on every site.

The pages listed in the configuration value ``english_docstring_pages``
(_config.yml, the one place that names them) render reference_impl's
docstrings with autodoc. Their titles and the prose written on the page are
translated like any other page's; the docstrings are not, as in most
textbooks' API documentation: the text a reader sees on the page is the text
``help()`` shows. This transform runs before Sphinx's translation step
(Locale, priority 20), so the gettext builder leaves the docstrings out of
those pages' catalogues and a translated build never replaces them.
"""
from docutils import nodes
from sphinx.transforms import SphinxTransform

DOCSTRING_SOURCE = ":docstring of "  # how autodoc names the source of the lines it inserts


def is_docstring(node):
    return DOCSTRING_SOURCE in (node.source or "")


class KeepDocstringsInEnglish(SphinxTransform):
    default_priority = 10  # before Locale (20)

    def apply(self, **kwargs):
        if self.env.docname not in self.config.english_docstring_pages:
            return
        for node in self.document.findall(nodes.Element):
            if is_docstring(node):
                node["translatable"] = False


def setup(app):
    app.add_config_value("english_docstring_pages", [], "env", [list])
    app.add_transform(KeepDocstringsInEnglish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
