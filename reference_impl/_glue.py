"""``glue`` for the book's pages (not part of the library's API): myst-nb's own where it is installed.

The website's build puts numbers a page computes into its prose with myst-nb's ``glue``. A chapter
opened alone (on Colab or Binder, or downloaded) has no myst-nb and nothing to glue into; there the
stand-in below shows the value when asked to, as myst-nb would, so the page runs the same code everywhere.
"""
try:
    from myst_nb import glue
except ImportError:
    def glue(name, variable, display=True):
        """Show ``variable`` (named ``name`` on the website) when ``display`` is true."""
        if display:
            from IPython.display import display as show

            show(variable)
