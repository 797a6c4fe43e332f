"""A language switch on every page: English <-> 中文, to the same page in the other language.

The English site is _build/html, the Chinese one _build/html/zh (scripts/build_book.py),
both built from the same pages, so a page has the same name in both. The link
is relative (it works from file:// as from any web server, at any folder) and
carries the reader's search query and section anchor along when followed.
It sits in the article header beside the download and full-screen buttons
(book/_templates/language-switch.html), where a phone shows it too; the
404 page, written apart, has its own (book/_ext/not_found_page.py).
"""
from pathlib import Path

# Sphinx language -> (folder of its site under the English one, lang attribute, name in itself)
SITES = {"en": ("", "en", "English"), "zh_CN": ("zh", "zh-Hans", "中文")}
TITLES = {"en": "Read this page in English", "zh_CN": "阅读本页的中文版"}


def site_of(language):
    return "zh_CN" if (language or "en").startswith("zh") else "en"


def other_language(language):
    return "en" if site_of(language) == "zh_CN" else "zh_CN"


def switch_href(pagename, language, suffix=".html"):
    """The relative link from `pagename` of the `language` site to the same page of the other site."""
    up = "../" * pagename.count("/")
    here, there = SITES[site_of(language)][0], SITES[other_language(language)][0]
    if here:
        up += "../" * (here.count("/") + 1)
    return up + (there + "/" if there else "") + pagename + suffix


def add_switch(app, pagename, templatename, context, doctree):
    if app.builder.name != "html":
        return
    other = other_language(app.config.language)
    _, lang, label = SITES[other]
    context["language_switch"] = {"href": switch_href(pagename, app.config.language, app.builder.out_suffix),
                                  "lang": lang, "label": label, "title": TITLES[other]}


def configure_theme(app, config):
    config.templates_path = list(config.templates_path) + [str(Path(__file__).parent.parent / "_templates")]
    options = config.html_theme_options = dict(config.html_theme_options or {})
    end = options.get("article_header_end") or ["article-header-buttons.html"]
    if isinstance(end, str):
        end = [part.strip() for part in end.split(",")]
    if "language-switch.html" not in end:
        options["article_header_end"] = ["language-switch.html", *end]
    if site_of(config.language) == "zh_CN":
        # the one theme string that comes from Jupyter Book's configuration, not a catalogue
        options["search_bar_text"] = "搜索本书……"
        # the licence note of _config.yml is English: say so to screen readers
        if options.get("extra_footer") and 'lang="en"' not in options["extra_footer"]:
            options["extra_footer"] = f'<div lang="en">{options["extra_footer"]}</div>'


def setup(app):
    app.connect("config-inited", configure_theme)
    app.connect("html-page-context", add_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
