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
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

# how autodoc names the source of the lines it inserts: "<file>:docstring of <name>",
# or "docstring of <name>" for an attribute's #: comment
DOCSTRING_SOURCE = re.compile(r"(^|:)docstring of ")


def is_docstring(node):
    return DOCSTRING_SOURCE.search(node.source or "") is not None


class KeepDocstringsInEnglish(SphinxTransform):
    default_priority = 10  # before Locale (20)

    def apply(self, **kwargs):
        if self.env.docname not in self.config.english_docstring_pages:
            return
        # every entry (a desc node: its signature, docstring and the field names napoleon
        # writes, such as "Returns"), and the module docstrings, which sit outside any entry
        entries = [node for desc in self.document.findall(addnodes.desc) for node in desc.findall(nodes.Element)]
        for node in entries + [node for node in self.document.findall(nodes.Element) if is_docstring(node)]:
            node["translatable"] = False


def setup(app):
    app.add_config_value("english_docstring_pages", [], "env", [list])
    app.add_transform(KeepDocstringsInEnglish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
