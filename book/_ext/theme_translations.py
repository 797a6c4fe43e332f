"""The themes' words on a translated site: what their own catalogues leave in English.

Sphinx, pydata-sphinx-theme and sphinx-book-theme bring Chinese catalogues, but
these lack a few words the pages show ("Color mode", "Suggest edit", the
permalinks' "Link to this heading", ...). book/locale/theme/<language>/LC_MESSAGES
holds them for the "sphinx" and "booktheme" catalogues; they are compiled here
and added as fallbacks, so a word the themes do translate keeps their wording.
The buttons' hints of sphinx-togglebutton are configuration values, set here too;
the few words the templates write without a translation call are replaced in
the written pages.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).resolve().parent.parent / "locale" / "theme"
TOGGLE_HINTS = {"zh_CN": ("点击显示", "点击隐藏")}
# written as is by sphinx-book-theme's and myst-nb's templates
HARD_CODED = {"zh_CN": {
    'title="Toggle primary sidebar"': 'title="显示或隐藏章节列表"',
    'title="Toggle secondary sidebar"': 'title="显示或隐藏本页目录"',
    'aria-label="Main"': 'aria-label="章节"',
    'aria-label="Page"': 'aria-label="本页"',
    'aria-label="Toggle hidden content"': 'aria-label="显示或隐藏内容"',
}}


def compile_catalogues(language):
    folder = CATALOGUES / language / "LC_MESSAGES"
    domains = []
    for po in sorted(folder.glob("*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source, locale=language))
        domains.append(po.stem)
    return domains


def set_hints(app, config):
    if config.language in TOGGLE_HINTS and "togglebutton_hint" in config:
        config.togglebutton_hint, config.togglebutton_hint_hide = TOGGLE_HINTS[config.language]


def replace_hard_coded(app, exception):
    words = HARD_CODED.get(app.config.language)
    if exception is not None or not words or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        translated = page
        for english, chinese in words.items():
            translated = translated.replace(english, chinese)
        if translated != page:
            path.write_text(translated, encoding="utf-8")


def setup(app):
    language = app.config.language or "en"
    if (CATALOGUES / language).is_dir():
        for domain in compile_catalogues(language):
            app.add_message_catalog(domain, str(CATALOGUES))
    # before sphinx-togglebutton writes its hints into the pages' scripts
    app.connect("config-inited", set_hints, priority=100)
    app.connect("build-finished", replace_hard_coded)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
