"""The sidebar's part captions (Sequence models, Assignments, Appendix) in the book's language.

sphinx-external-toc writes the toctrees of _toc.yml into the root page after
Sphinx's translation step (Locale, priority 20) has run, so their captions
stayed English on the Chinese site although the gettext builder extracts them
into the root page's catalogue. This transform runs just after the toctrees
are inserted and translates their captions from that catalogue, as Locale
would have.
"""
from os import path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


class TranslateTocCaptions(SphinxTransform):
    default_priority = 101  # after sphinx_external_toc's InsertToctrees (100)

    def apply(self, **kwargs):
        if not self.config.language or self.config.language == "en":
            return
        toctrees = [node for node in self.document.findall(addnodes.toctree) if node.get("rawcaption")]
        if not toctrees:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, directory) for directory in self.config.locale_dirs]
        catalogue, found = init_locale(dirs, self.config.language, domain)
        if not found:
            return
        for node in toctrees:
            translated = catalogue.gettext(node["rawcaption"])
            if translated and translated != node["rawcaption"]:
                node["caption"] = translated


def setup(app):
    app.add_transform(TranslateTocCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
