"""The 404 page as a static host serves it, in headless Chromium.

GitHub Pages (and most static hosts) serve the site root's 404.html for every
missing address, the Chinese site's included, and a project site lives under
a sub-path (https://host/course/). Here the built site (_build/html, `make
book`) is served that way, at the host's root and under /course/; a missing
address must get the 404 page of its own site's language, whose links lead to
pages that exist. Opened from the disk (file://), each 404.html must link its
own site too. tests/test_website.py loads each site's 404.html at its address.
"""
import contextlib
import io
import os
import urllib.error
import urllib.parse
import urllib.request

import pytest

from website_reader import SITE, QuietHandler, open_browser, read_book_config, serve_site

HEADING = {"en": "Page not found", "zh": "找不到页面"}
SENTENCE = {"en": "There is no page at this address", "zh": "中没有这个地址的页面"}
SWITCH_LABEL = {"en": "中文", "zh": "English"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
ROOT_PAGE = "book/intro.html"

READ_PAGE_JS = """
const text = el => el ? el.textContent.replace(/\\s+/g, " ").trim() : null;
const switcher = document.getElementById("language-switch");
return {
  lang: document.documentElement.lang, title: document.title,
  heading: text(document.querySelector("h1")), body: text(document.querySelector("main")),
  home: document.getElementById("home").href, search: document.getElementById("search").action,
  switchHref: switcher.href, switchLang: switcher.lang, switchText: text(switcher),
  resources: performance.getEntriesByType("resource").map(r => r.name),
  // without an icon of its own, a browser asks for /favicon.ico, outside a project site
  icons: [...document.querySelectorAll("link[rel~=icon]")].map(link => link.href),
};
"""


class StaticHostHandler(QuietHandler):
    """Serves the site under `prefix`, and the root's 404.html (status 404) for every
    address that is not a file of the site, as GitHub Pages does."""

    prefix = "/"

    def send_head(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith(self.prefix):
            self.path = self.path[len(self.prefix) - 1:]
            target = self.translate_path(self.path)
            if os.path.isfile(target) or (path.endswith("/") and os.path.isfile(os.path.join(target, "index.html"))):
                return super().send_head()
        body = (SITE / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_like_a_static_host(prefix):
    """The built site served under `prefix` by StaticHostHandler; yields the site's URL."""
    with serve_site(handler=type("Handler", (StaticHostHandler,), {"prefix": prefix})) as host:
        yield urllib.parse.urljoin(host, prefix)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with open_browser(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def check_404_page(page, language, site, english_site):
    """`page` (read by READ_PAGE_JS) is the 404 page in `language`, linking its own
    site's first page and search and the other language's first page."""
    assert page["lang"] == HTML_LANG[language], page
    assert page["heading"] == HEADING[language] and HEADING[language] in page["title"], page
    assert SENTENCE[language] in page["body"], page["body"]
    course = read_book_config()["title"]
    assert course in page["title"] and course in page["body"], f"the 404 page does not name {course!r}: {page}"
    other = "en" if language == "zh" else "zh"
    assert SENTENCE[other] not in page["body"], page["body"]
    assert page["home"] == site + ROOT_PAGE, page["home"]
    assert page["search"] == site + "search.html", page["search"]
    assert page["switchText"] == SWITCH_LABEL[language] and page["switchLang"] == HTML_LANG[other], page
    assert page["switchHref"] == (english_site + "zh/" if language == "en" else english_site) + ROOT_PAGE, page
    assert not page["resources"], f"the 404 page fetches {page['resources']}"
    assert page["icons"] and all(icon.startswith("data:") for icon in page["icons"]), page["icons"]


MISSING = [  # an address that is no page, and the language of the site it is in
    ("no-such-page", "en"),
    ("zh/no-such-page", "zh"),
    ("zh/no/such/page.html", "zh"),
    ("book/chapters/99_no_such_chapter.html", "en"),
    ("zh/book/chapters/99_no_such_chapter.html", "zh"),
]


@pytest.mark.parametrize("prefix, missing, language", [
    *(("/", *case) for case in MISSING),
    *(("/course/", *case) for case in MISSING),
    # at the host's root, a missing folder reads as a project site's (the page cannot tell them apart)
    ("/course/", "no/such/folder/", "en"),
])
def test_host_serving_one_404_page_shows_it_in_the_language_of_the_address(browser, prefix, missing, language):
    with serve_like_a_static_host(prefix) as english_site:
        url = english_site + missing
        assert status(url) == 404
        browser.get_log("browser")  # what earlier pages logged
        browser.get(url)
        page = browser.execute_script(READ_PAGE_JS)
        errors = [entry["message"] for entry in browser.get_log("browser")
                  if entry["level"] == "SEVERE" and not entry["message"].startswith(f"{url} - ")]
        assert not errors, f"{url}: console errors (but the page's own status 404): {errors}"
        site = english_site + ("zh/" if language == "zh" else "")
        check_404_page(page, language, site, english_site)
        for link in (page["home"], page["search"], page["switchHref"]):
            assert status(link) == 200, f"{url}: the 404 page links {link}, which is missing"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_404_page_opened_from_the_disk_links_its_own_site(browser, language):
    english_site = SITE.as_uri() + "/"
    folder = SITE / "zh" if language == "zh" else SITE
    if not (folder / "404.html").is_file():
        pytest.fail(f"no built site at {folder}: build it first with `make book`")
    browser.get((folder / "404.html").as_uri())
    page = browser.execute_script(READ_PAGE_JS)
    check_404_page(page, language, folder.as_uri() + "/", english_site)
