"""Serve MathJax from the website itself instead of a CDN.

Readers on a train, in an exam room or behind a firewall that blocks CDNs
still get typeset equations, and the browser test (tests/test_website.py)
checks typesetting without reaching the internet. scripts/vendor_mathjax.sh
installs the version pinned in package.json into node_modules/; this
extension points Sphinx's ``mathjax_path`` at a copy under ``_static/`` and
copies the files there when an HTML build finishes.
"""
import shutil
from pathlib import Path

from sphinx.errors import ConfigError

# MathJax's loader, which fetches the components listed in mathjax3_config's
# loader.load (_config.yml): TeX input, CommonHTML output and the assistive
# MathML that screen readers read, as in the "tex-mml-chtml" component Sphinx
# loads from the CDN by default, less MathML input (the pages have none) and
# the 426 kB right-click menu, which book/_static/math_menu.js loads on the
# first right-click on an equation. A chapter's first load is 0.5 MB lighter.
COMPONENT = "startup.js"
# files outside the folders below that the loader fetches
EAGER = ("core.js", "output/chtml.js")
# What is fetched on demand, relative to es5/: the components above, TeX
# extensions (\boldsymbol, \cancel, ...), the CommonHTML fonts, and the menu
# with its accessibility tools (speech and the expression explorer).
ON_DEMAND = ("input", "output/chtml", "ui", "a11y", "sre", "adaptors")
STATIC_SUBDIR = "mathjax"


def mathjax_source(app):
    """The es5/ folder of the installed npm package."""
    return Path(app.srcdir) / "node_modules" / "mathjax" / "es5"


def use_local_mathjax(app, config):
    source = mathjax_source(app)
    if not (source / COMPONENT).is_file():
        raise ConfigError(
            f"MathJax is not installed: expected {source / COMPONENT}. "
            "Run scripts/vendor_mathjax.sh (make does this) before building the book."
        )
    # A relative mathjax_path is resolved against the site's _static/ folder.
    config.mathjax_path = f"{STATIC_SUBDIR}/{COMPONENT}"


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source(app)
    target = Path(app.outdir) / "_static" / STATIC_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    for name in (COMPONENT,) + EAGER:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    for part in ON_DEMAND:
        shutil.copytree(source / part, target / part, dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
