"""A 404 page (404.html at the site's root) for a mistyped or outdated address.

Static hosts (GitHub Pages, Netlify, nginx's error_page) serve it for any
missing path, at any depth, so it cannot use the theme's relative links to
_static/: it is one self-contained file, light or dark like the rest of the
site, whose links are found from the address it is shown at (the part
before "/book/", else the first folder of the path, which is where a project
site lives on GitHub Pages). The Chinese site (_build/html/zh) has its own,
in Chinese, and each links the other language's first page.
"""
import html
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading} &#8212; {title}</title>
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
<main>
<h1>{heading}</h1>
{text}
<p><a id="language-switch" class="language-switch" href="/{other_site}{root_page}" hreflang="{other_lang}"
   lang="{other_lang}">{other_label}</a></p>
</main>
<script>
  // The site's root: the part of the path before /book/, else its first folder.
  const path = location.pathname;
  const cut = path.indexOf("/book/");
  const root = cut >= 0 ? path.slice(0, cut + 1)
             : (path.match(/^\\/[^/]+\\//) && !/\\.html$/.test(path.split("/")[1]) ? path.match(/^\\/[^/]+\\//)[0] : "/");
  document.getElementById("home").href = root + "{root_page}";
  document.getElementById("search").action = root + "search.html";
  // the other language's site: the Chinese one is the folder zh/ of the English one
  const english = root.replace(/(^|\\/)zh\\/$/, "$1");
  document.getElementById("language-switch").href = english + "{other_site}{root_page}";
</script>
</body>
</html>
"""


TEXT = {
    "en": ("Page not found", """<p>There is no page at this address in <em>{title}</em>. It may have moved when the
chapters were renumbered, or the address was mistyped.</p>
<ul>
  <li><a id="home" href="/{root_page}">Go to the course's first page</a> (with the list of chapters)</li>
  <li><form id="search" action="/search.html" method="get" role="search">
    <label for="q">or search the course:</label>
    <input id="q" name="q" type="search"> <button type="submit">Search</button></form></li>
</ul>"""),
    "zh_CN": ("找不到页面", """<p><em>{title}</em> 中没有这个地址的页面。章节重新编号时它可能换了位置，也可能是地址输错了。</p>
<ul>
  <li><a id="home" href="/{root_page}">前往课程首页</a>（含章节列表）</li>
  <li><form id="search" action="/search.html" method="get" role="search">
    <label for="q">或者搜索课程：</label>
    <input id="q" name="q" type="search"> <button type="submit">搜索</button></form></li>
</ul>"""),
}


def write_404(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from language_switch import SITES, other_language, site_of
    root_page = app.builder.get_target_uri(app.config.root_doc)
    here, other = site_of(app.config.language), other_language(app.config.language)
    heading, text = TEXT[here]
    title = html.escape(app.config.project)
    Path(app.outdir, "404.html").write_text(PAGE.format(
        title=title, root_page=root_page, lang=SITES[here][1], heading=heading,
        text=text.format(title=title, root_page=root_page),
        other_site=SITES[other][0] + "/" if SITES[other][0] else "", other_lang=SITES[other][1],
        other_label=SITES[other][2]), encoding="utf-8")


def setup(app):
    app.connect("build-finished", write_404)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
