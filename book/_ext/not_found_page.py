"""A 404 page (404.html at the site's root) for a mistyped or outdated address.

Static hosts (GitHub Pages, Netlify, nginx's error_page) serve it for any
missing path, at any depth, so it cannot use the theme's relative links to
_static/: it is one self-contained file, light or dark like the rest of the
site, whose links are found from the address it is shown at (the part
before "/book/", else the first folder of the path, which is where a project
site lives on GitHub Pages).
"""
import html
from pathlib import Path

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page not found &#8212; {title}</title>
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
<h1>Page not found</h1>
<p>There is no page at this address in <em>{title}</em>. It may have moved when the
chapters were renumbered, or the address was mistyped.</p>
<ul>
  <li><a id="home" href="/{root_page}">Go to the course's first page</a> (with the list of chapters)</li>
  <li><form id="search" action="/search.html" method="get" role="search">
    <label for="q">or search the course:</label>
    <input id="q" name="q" type="search"> <button type="submit">Search</button></form></li>
</ul>
</main>
<script>
  // The site's root: the part of the path before /book/, else its first folder.
  const path = location.pathname;
  const cut = path.indexOf("/book/");
  const root = cut >= 0 ? path.slice(0, cut + 1)
             : (path.match(/^\\/[^/]+\\//) && !/\\.html$/.test(path.split("/")[1]) ? path.match(/^\\/[^/]+\\//)[0] : "/");
  document.getElementById("home").href = root + "{root_page}";
  document.getElementById("search").action = root + "search.html";
</script>
</body>
</html>
"""


def write_404(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    root_page = app.builder.get_target_uri(app.config.root_doc)
    Path(app.outdir, "404.html").write_text(
        PAGE.format(title=html.escape(app.config.project), root_page=root_page), encoding="utf-8")


def setup(app):
    app.connect("build-finished", write_404)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
