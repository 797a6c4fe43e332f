"""Leave out of each page the scripts it does not use (a chapter's first load was 3.9 MB).

- pydata-sphinx-theme loads Font Awesome's SVG-with-JavaScript kit (1.49 MB,
  every icon of the set) for the dozen icons of the page headers, which its
  own style sheet already draws from the Font Awesome web fonts.
- Brand icons (the repository's GitHub mark) come from a 118 kB web font of
  brand logos; each is written into the page as the inline SVG the kit would
  have drawn (its path read from the theme's copy of the kit), so that font is
  never fetched.
- sphinx-design's style sheet and tab script (62 kB) come with every page; a
  page with no sphinx-design element (no "sd-" class) goes without them.
- It loads Sphinx's search scripts and the whole search index on every page
  for a search-as-you-type box this site does not turn on; the search page
  loads them itself.

The HTML pages are rewritten when the build has finished (the tags come
from the theme's templates, not from Sphinx's list of scripts).
benchmarks/page_weight.py measures what a first visit downloads.
"""
import html
import re
from pathlib import Path

import pydata_sphinx_theme

ICON_KIT = re.compile(r'\n?[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
SEARCH_SCRIPTS = re.compile(
    r'\n?[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>')


DESIGN_ASSETS = re.compile(
    r'\n?[ \t]*(?:<link rel="stylesheet" type="text/css" href="[^"]*_static/sphinx-design\.min\.css[^"]*" />'
    r'|<script [^>]*src="[^"]*_static/design-tabs\.js[^"]*"></script>)')
USES_DESIGN = re.compile(r'class="(?:[^"]*\s)?sd-')
ICON_KIT_FILE = Path(pydata_sphinx_theme.__file__).parent / "theme/pydata_sphinx_theme/static/scripts/fontawesome.js"
BRAND_ICON = re.compile(r'<i class="(?:fab|fa-brands) fa-([\w-]+)"></i>')


def brand_icons(kit_source):
    """{name: (width, height, svg path)} of the brand icons in the Font Awesome kit.

    The kit defines its brand icons first, as entries name:[width,height,[aliases],
    "unicode","path"], handed to d("fab", ...)."""
    end = kit_source.find('d("fab",')
    entry = re.compile(r'(?:"([\w-]+)"|\b([a-z][\w]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]')
    return {(m.group(1) or m.group(2)): (m.group(3), m.group(4), m.group(5))
            for m in entry.finditer(kit_source, 0, end if end > 0 else 0)}


def inline_svg(match, icons):
    name = match.group(1)
    if name not in icons:
        return match.group(0)
    width, height, path = icons[name]
    return (f'<svg class="svg-inline--fa fa-{name}" aria-hidden="true" focusable="false" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            f'<path fill="currentColor" d="{html.escape(path)}"></path></svg>')


def lighten(page, is_search_page, icons):
    page = ICON_KIT.sub("", page)
    page = BRAND_ICON.sub(lambda m: inline_svg(m, icons), page)
    if not USES_DESIGN.search(page):
        page = DESIGN_ASSETS.sub("", page)
    return page if is_search_page else SEARCH_SCRIPTS.sub("", page)


def lighten_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    icons = brand_icons(ICON_KIT_FILE.read_text(encoding="utf-8"))
    outdir = Path(app.outdir)
    # another language's site inside this one (_build/html/zh) is its own build's to lighten
    other_sites = {inventory.parent for inventory in outdir.rglob("objects.inv") if inventory.parent != outdir}
    for path in outdir.rglob("*.html"):
        if any(site in path.parents for site in other_sites):
            continue
        page = path.read_text(encoding="utf-8")
        lighter = lighten(page, path.name == "search.html" and path.parent == Path(app.outdir), icons)
        if lighter != page:
            path.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("build-finished", lighten_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
