"""Glued numbers ({glue:text}`name:fmt`) in translated sentences.

Sphinx builds a translated sentence (the Chinese edition's catalogues) as a
small document of its own, which lacks the notebook whose cells glued the
numbers, so myst-nb's roles found no key there. In such a sentence a glue
name without a page becomes a reference to the notebook being built
(`/<page>.ipynb::name`), which myst-nb fills in from the glue data it has
already saved for that page; the catalogue keeps the English role unchanged.
"""
from myst_nb.ext.glue import roles


def _in_translated_sentence(role):
    return "nb_renderer" not in role.document and "::" not in role.text \
        and hasattr(role.document.settings, "env") \
        and str(role.document.settings.env.doc2path(role.document.settings.env.docname)).endswith(".ipynb")


def _page_prefix(role):
    env = role.document.settings.env
    return "/" + str(env.doc2path(env.docname, False)) + "::"


def _glue_from_this_page(run, needs_format):
    def run_here(self):
        if _in_translated_sentence(self):
            # the text role splits its format off at the last ":"; give it one
            text = self.text if not needs_format or ":" in self.text else self.text + ":s"
            self.text = _page_prefix(self) + text
        return run(self)
    return run_here


def setup(app):
    # (glue:md has no page-qualified form; the book does not use it)
    for role, needs_format in ((roles.PasteTextRole, True), (roles.PasteRoleAny, False)):
        if not getattr(role.run, "glue_from_this_page", False):
            role.run = _glue_from_this_page(role.run, needs_format)
            role.run.glue_from_this_page = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}
