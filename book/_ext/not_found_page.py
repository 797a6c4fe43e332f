"""A 404 page (404.html at the site's root) for a mistyped or outdated address.

Static hosts (GitHub Pages, Netlify, nginx's error_page) serve the root's
404.html for any missing path, at any depth, the Chinese site's (zh/...)
included, so it cannot use the theme's relative links to _static/: it is one
self-contained file (its icon inline, so it fetches nothing), light or dark
like the rest of the site. It carries the page in both languages and shows
the one of the site the address is in; its links (first page, search, the
other language's first page) are found from that address:

- the page's own address (.../404.html; also opened from the disk, file://):
  its folder is the site;
- else the part before "/book/" (a chapter's old address);
- else the host's root or, for a project site (GitHub Pages), its first folder,
  and the Chinese site is the folder zh/ of the English one. A missing folder
  of a site served at the host's root reads as a project site: the page cannot
  tell them apart.

The Chinese site (_build/html/zh) has its own 404.html, the same page
starting in Chinese.
"""
import html
import urllib.parse
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page_title}</title>
<link rel="icon" href="{icon}">
<style>
  :root {{ color-scheme: light dark; --bg: #fff; --fg: #222832; --link: #0a58ca; }}
  @media (prefers-color-scheme: dark) {{ :root {{ --bg: #121212; --fg: #ced6dd; --link: #8ab4f8; }} }}
  :root[data-theme="light"] {{ --bg: #fff; --fg: #222832; --link: #0a58ca; }}
  :root[data-theme="dark"] {{ --bg: #121212; --fg: #ced6dd; --link: #8ab4f8; }}
  body {{ background: var(--bg); color: var(--fg); font: 1.1rem/1.6 system-ui, sans-serif;
         max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }}
  a {{ color: var(--link); }}
  a:focus-visible, input:focus-visible, button:focus-visible {{ outline: 3px solid var(--link); outline-offset: 2px; }}
  input, button {{ font: inherit; }}
</style>
<script>
  document.documentElement.dataset.theme =
    ["light", "dark"].includes(localStorage.getItem("theme")) ? localStorage.getItem("theme") : "";
</script>
</head>
<body>
{main}
<template id="other-language" data-lang="{other_lang}" data-title="{other_page_title}">
{other_main}
</template>
<script>
  (() => {{
    // The site the address is in (a path ending in "/"); see book/_ext/not_found_page.py.
    const path = location.pathname;
    let site;
    if (/\\/404\\.html$/.test(path)) site = path.slice(0, path.lastIndexOf("/") + 1);
    else if (path.includes("/book/")) site = path.slice(0, path.indexOf("/book/") + 1);
    else {{
      const folders = path.split("/").slice(1, -1);
      const depth = folders[0] === "{zh_folder}" ? 1 : folders[1] === "{zh_folder}" ? 2 : Math.min(folders.length, 1);
      site = "/" + folders.slice(0, depth).map(folder => folder + "/").join("");
    }}
    const chinese = site.endsWith("/{zh_folder}/");
    const english = chinese ? site.slice(0, -"{zh_folder}/".length) : site;
    const other = document.getElementById("other-language");
    if (chinese !== (document.documentElement.lang === "{zh_lang}")) {{
      document.querySelector("main").replaceWith(other.content.cloneNode(true));
      [document.documentElement.lang, document.title] = [other.dataset.lang, other.dataset.title];
    }}
    other.remove();
    document.getElementById("home").href = site + "{root_page}";
    document.getElementById("search").action = site + "search.html";
    document.getElementById("language-switch").href = (chinese ? english : english + "{zh_folder}/") + "{root_page}";
  }})();
</script>
</body>
</html>
"""

# each language's page; its links are those of a site at the host's root until the script sets them
MAIN = """<main>
<h1>{heading}</h1>
{text}
<p><a id="language-switch" class="language-switch" href="/{other_site}{root_page}" hreflang="{other_lang}"
   lang="{other_lang}">{other_label}</a></p>
</main>"""

TEXT = {
    "en": ("Page not found", """<p>There is no page at this address in <em>{title}</em>. It may have moved when the
chapters were renumbered, or the address was mistyped.</p>
<ul>
  <li><a id="home" href="/{site}{root_page}">Go to the course's first page</a> (with the list of chapters)</li>
  <li><form id="search" action="/{site}search.html" method="get" role="search">
    <label for="q">or search the course:</label>
    <input id="q" name="q" type="search"> <button type="submit">Search</button></form></li>
</ul>"""),
    "zh_CN": ("找不到页面", """<p><em>{title}</em> 中没有这个地址的页面。章节重新编号时它可能换了位置，也可能是地址输错了。</p>
<ul>
  <li><a id="home" href="/{site}{root_page}">前往课程首页</a>（含章节列表）</li>
  <li><form id="search" action="/{site}search.html" method="get" role="search">
    <label for="q">或者搜索课程：</label>
    <input id="q" name="q" type="search"> <button type="submit">搜索</button></form></li>
</ul>"""),
}


def folder_of(language):
    """The folder of `language`'s site under the English one, with its slash ("" for English)."""
    from language_switch import SITES
    return SITES[language][0] + "/" if SITES[language][0] else ""


def page_in(language, title, root_page):
    """(<title>, <main>) of the 404 page in `language` ("en" or "zh_CN")."""
    from language_switch import SITES, other_language
    heading, text = TEXT[language]
    other = other_language(language)
    main = MAIN.format(heading=heading, text=text.format(title=title, root_page=root_page, site=folder_of(language)),
                       other_site=folder_of(other), root_page=root_page, other_lang=SITES[other][1],
                       other_label=SITES[other][2])
    return f"{heading} &#8212; {title}", main


def icon_of(app):
    """The site's favicon (an SVG file) as a data: URL, so that the page fetches nothing, not
    even the /favicon.ico a browser asks for by default, which is outside a project site."""
    favicon = Path(app.confdir, app.config.html_favicon or "")
    if favicon.suffix != ".svg" or not favicon.is_file():
        return "data:,"
    return "data:image/svg+xml," + urllib.parse.quote(favicon.read_text(encoding="utf-8"))


def write_404(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from language_switch import SITES, other_language, site_of
    root_page = app.builder.get_target_uri(app.config.root_doc)
    here, other = site_of(app.config.language), other_language(app.config.language)
    # Jupyter Book puts _config.yml's title in html_title; Sphinx's project stays unset
    title = html.escape(app.config.html_title or app.config.project)
    page_title, main = page_in(here, title, root_page)
    other_page_title, other_main = page_in(other, title, root_page)
    Path(app.outdir, "404.html").write_text(PAGE.format(
        lang=SITES[here][1], page_title=page_title, icon=html.escape(icon_of(app)), main=main,
        other_lang=SITES[other][1], other_page_title=other_page_title, other_main=other_main,
        zh_folder=SITES["zh_CN"][0], zh_lang=SITES["zh_CN"][1], root_page=root_page), encoding="utf-8")


def setup(app):
    app.connect("build-finished", write_404)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
