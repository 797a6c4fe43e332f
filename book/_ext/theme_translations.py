"""The themes' words on a translated site: what their own catalogues leave in English.

Sphinx, pydata-sphinx-theme and sphinx-book-theme bring Chinese catalogues, but
these lack a few words the pages show ("Color mode", "Suggest edit", the
permalinks' "Link to this heading", ...). book/locale/theme/<language>/LC_MESSAGES
holds them for the "sphinx" and "booktheme" catalogues; they are compiled here
and added as fallbacks, so a word the themes do translate keeps their wording
(sphinx-book-theme's: ours first, to correct one word).
The buttons' hints of sphinx-togglebutton are configuration values, set here too;
the few words the templates write without a translation call are replaced in
the written pages.
"""
import gettext
import hashlib
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx import locale

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


def note_catalogues(app, config):
    """A change of these catalogues rewrites every page, as a change of the configuration does."""
    folder = CATALOGUES / (config.language or "en") / "LC_MESSAGES"
    config.theme_words = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*.po")))).hexdigest() \
        if folder.is_dir() else ""


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


def prefer_ours(app):
    """sphinx-book-theme's words are looked up at each call: our catalogue goes first for
    them, so that it can also correct a word (its zh_CN prints with Taiwan's 列印)."""
    language = app.config.language or "en"
    if not (CATALOGUES / language / "LC_MESSAGES" / "booktheme.mo").is_file():
        return
    ours = gettext.translation("booktheme", localedir=str(CATALOGUES), languages=[language])
    theirs = locale.translators.get(("general", "booktheme"))
    if theirs is not None and theirs is not ours:
        ours.add_fallback(theirs)
    locale.translators[("general", "booktheme")] = ours


def setup(app):
    language = app.config.language or "en"
    if (CATALOGUES / language).is_dir():
        for domain in compile_catalogues(language):
            app.add_message_catalog(domain, str(CATALOGUES))
    app.add_config_value("theme_words", "", "html")
    app.connect("config-inited", note_catalogues)
    # before sphinx-togglebutton writes its hints into the pages' scripts
    app.connect("config-inited", set_hints, priority=100)
    app.connect("builder-inited", prefer_ours)
    app.connect("build-finished", replace_hard_coded)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
