"""Serving the built website and reading its pages in headless Chromium.

The fixtures and helpers behind tests/test_website.py: the site in
_build/html on a free localhost port, one browser per test worker that may
reach nothing but that server, and a Reader that loads each page once, waits
for its images and equations, and keeps what the checks need. The fixtures
`site_language`, `site_url` and `reader` are parametrised over the English site
and the Chinese one (_build/html/zh, served from the same server so that the
language switches between them resolve).
"""
import contextlib
import functools
import http.server
import importlib.util
import os
import re
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
# The English site and the Chinese one (the same pages, translated; `make book`),
# each test that reads a site runs on both; <html lang> of each
SITES = {"en": SITE, "zh": SITE / "zh"}
HTML_LANG = {"en": "en", "zh": "zh-CN"}
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PAGE_TIMEOUT_S = 30


def read_book_config():
    return yaml.safe_load((REPO / "_config.yml").read_text())


def chapter_numbers():
    """The number the book shows for each page of a numbered part of _toc.yml.

    Returns a dict docname ("book/chapters/09_gru") -> "9", or "9.1" for a
    section page; the numbering runs on across numbered parts.
    """
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    numbers, chapter = {}, 0

    def number_sections(entries, prefix):
        for position, entry in enumerate((e for e in entries or [] if "file" in e), start=1):
            numbers[entry["file"]] = ".".join(map(str, prefix + (position,)))
            number_sections(entry.get("sections"), prefix + (position,))

    for part in (p for p in toc.get("parts", []) if p.get("numbered")):
        for entry in (e for e in part.get("chapters", []) if "file" in e):
            chapter += 1
            numbers[entry["file"]] = str(chapter)
            number_sections(entry.get("sections"), (chapter,))
    return numbers


# The toc is read the way scripts/execute_book.py reads it for every other book check.
_spec = importlib.util.spec_from_file_location("execute_book", REPO / "scripts" / "execute_book.py")
execute_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_book)

PAGES = execute_book.toc_files()
CHAPTER_NUMBERS = chapter_numbers()
NOTEBOOK_PAGES = [page for page in PAGES if (REPO / f"{page}.ipynb").is_file()]


def page_id(docname):
    return docname.removeprefix("book/")


# --- the site on localhost -------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_site(folder=SITE, handler=QuietHandler):
    """A built site (by default _build/html) on a free localhost port, served by `handler`
    (a SimpleHTTPRequestHandler); yields its base URL."""
    if folder == SITE and not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: build it first with `make book`")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def open_browser(profile_dir=None):
    """Headless Chromium that may reach nothing but localhost, 1280 x 900 px."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"website tests need Chromium and its driver; missing {', '.join(missing)} "
                    "(scripts/install_system_packages.sh installs them with root and apt-get)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with contextlib.ExitStack() as stack:
        if profile_dir is None:
            profile_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="chromium-profile-"))
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     f"--user-data-dir={profile_dir}",
                     # Nothing but the local server resolves: a page that needs the
                     # internet (a CDN script, a web font) fails here as it would offline.
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Both paths are given, so Selenium Manager has nothing to look up;
        # SE_OFFLINE forbids it to download should that ever change.
        with mock.patch.dict(os.environ, {"SE_OFFLINE": "true"}):
            browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        stack.callback(browser.quit)
        # The page keeps the focus even after a test tabs out of it into the
        # browser's own controls, as it would in a visible window that was clicked.
        browser.execute_cdp_cmd("Emulation.setFocusEmulationEnabled", {"enabled": True})
        browser.set_page_load_timeout(PAGE_TIMEOUT_S)
        browser.set_script_timeout(PAGE_TIMEOUT_S)
        yield browser


@pytest.fixture(scope="session")
def server_url():
    with serve_site() as url:
        yield url


@pytest.fixture(scope="session", params=list(SITES))
def site_language(request):
    """"en" or "zh": which site a test reads."""
    if not (SITES[request.param] / "index.html").is_file():
        pytest.fail(f"no built site at {SITES[request.param]}: build it first with `make book`")
    return request.param


@pytest.fixture(scope="session")
def site_url(server_url, site_language):
    return server_url if site_language == "en" else urllib.parse.urljoin(server_url, "zh/")


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    with open_browser(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


# Runs in the page once it has loaded: waits for every image and for MathJax,
# then reads what the checks need.
SNAPSHOT_JS = r"""
const done = arguments[arguments.length - 1];
(async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(resolve => {
    img.addEventListener("load", resolve); img.addEventListener("error", resolve);
  })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const article = document.querySelector("article.bd-article") || document.body;
  const text = el => el.textContent.replace(/\s+/g, " ").trim().slice(0, 120);
  const hrefOf = sel => { const a = document.querySelector(sel); return a ? a.href : null; };
  done({
    url: location.href,
    images: images.map(img => ({src: img.currentSrc || img.src, alt: img.getAttribute("alt"),
                                width: img.naturalWidth, inArticle: article.contains(img)})),
    math: [...article.querySelectorAll(".math")].map(el => ({
      text: text(el), typeset: !!el.querySelector("mjx-container")})),
    // A TeX error becomes <merror>; an undefined macro is shown as red text.
    mathErrors: (window.MathJax && MathJax.startup && MathJax.startup.document)
      ? Array.from(MathJax.startup.document.math).filter(item => {
          const mml = MathJax.startup.toMML(item.root);
          return /<merror/.test(mml) || /<mtext[^>]*mathcolor="red"[^>]*>\\/.test(mml);
        }).map(item => item.math)
      : [],
    headings: [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => ({
      level: +h.tagName[1],
      text: [...h.childNodes].filter(n => !(n.classList && n.classList.contains("headerlink")))
              .map(n => n.textContent).join("").replace(/\s+/g, " ").trim()})),
    sectionNumber: (article.querySelector("h1 .section-number") || {textContent: ""}).textContent.trim(),
    sidebar: [...document.querySelectorAll(".bd-docs-nav a.reference.internal")].map(a => ({
      href: a.href, text: text(a)})),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href)
             .filter(href => href.startsWith(location.origin)),
    resources: performance.getEntriesByType("resource").map(r => r.name),
    previous: hrefOf(".prev-next-area a.left-prev"),
    next: hrefOf(".prev-next-area a.right-next"),
    binder: hrefOf("a.dropdown-item[href*='mybinder']"),
    colab: hrefOf("a.dropdown-item[href*='colab']"),
    sourceDownload: hrefOf("a.btn-download-source-button"),
    printButton: !!document.querySelector(".btn-download-pdf-button[onclick*='print']"),
    codeBlocks: [...article.querySelectorAll("div.highlight")].map(block => {
      const button = block.querySelector("button.copybtn");
      const target = button && document.querySelector(button.dataset.clipboardTarget);
      return {text: text(block), copies: !!target && block.contains(target)};
    }),
    themeSwitch: !!document.querySelector(".theme-switch-button"),
    duplicateIds: Object.entries([...document.querySelectorAll("[id]")].reduce(
      (count, el) => (count[el.id] = (count[el.id] || 0) + 1, count), {})).filter(([, n]) => n > 1).map(([id]) => id),
    doubledWords: [...article.querySelectorAll("p, li")].flatMap(el => el.textContent.match(/\b(\w{3,}) +\1\b/gi) || []),
    licenceLinks: [...document.querySelectorAll("footer a[rel~=license]")].map(a => a.href),
    lastUpdated: text(document.querySelector("footer .last-updated") || {textContent: ""}),
    glossaryLinks: [...article.querySelectorAll("a.glossary-term")].map(a => ({href: a.href, text: a.textContent})),
    glossaryTerms: [...article.querySelectorAll("dl.glossary dt")].map(dt => dt.textContent.replace(/#$/, "").trim()),
    articleText: article.textContent,
    usesDesign: !!document.querySelector("[class*='sd-']"),
    // Chinese characters in text nodes with no lang="zh-Hans" ancestor
    unmarkedChinese: (() => {
      const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (/[\u4e00-\u9fff]/.test(n.textContent) && !n.parentElement.closest("[lang='zh-Hans'], script, style")) out.push(n.textContent.trim());
      }
      return out;
    })(),
    // blocks with English words and no Chinese outside a lang="en" element (the Chinese site)
    unmarkedEnglish: [...article.querySelectorAll("p, li, dt, dd, h1, h2, h3, h4, h5, h6, figcaption, td, th, caption")]
      .filter(el => { const copy = el.cloneNode(true);
        copy.querySelectorAll(".math, code, pre, mjx-container, .headerlink").forEach(n => n.remove());
        const own = copy.textContent;
        return /[A-Za-z]{3,}/.test(own) && !/[\u4e00-\u9fff]/.test(own) && !el.closest("[lang='en']"); })
      .map(el => text(el)),
    languageSwitch: (a => a ? {href: a.href, lang: a.lang, text: a.textContent.trim()} : null)(
      document.querySelector("a.language-switch")),
    language: document.documentElement.lang,
    title: document.title,
  });
})().catch(error => done({error: String(error)}));
"""


class Reader:
    """Loads pages in the shared browser, once each, and remembers them."""

    def __init__(self, driver, site_url, language="en"):
        self.driver, self.site_url = driver, site_url
        self.language, self.site_dir = language, SITES[language]
        self.pages, self.statuses, self.anchors = {}, {}, {}

    def url(self, docname):
        return urllib.parse.urljoin(self.site_url, f"{docname}.html")

    def docname(self, url):
        """The docname a URL of this site points at, or None."""
        if not url or not url.startswith(self.site_url):
            return None
        path = urllib.parse.urlsplit(url[len(self.site_url):]).path.lstrip("/")
        return path.removesuffix(".html")

    def load(self, docname):
        """Open the page, wait until its images and equations are done, read it."""
        if not (self.site_dir / f"{docname}.html").is_file():
            pytest.fail(f"{docname} is in _toc.yml but {docname}.html was not built")
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(self.url(docname))
        snapshot = self.driver.execute_async_script(SNAPSHOT_JS)
        assert "error" not in snapshot, f"{docname}: reading the page failed: {snapshot['error']}"
        snapshot["console"] = self.driver.get_log("browser")
        self.pages[docname] = snapshot
        return snapshot

    def visit(self, docname):
        """What load() read from the page, loading it only the first time."""
        return self.pages[docname] if docname in self.pages else self.load(docname)

    def status(self, url):
        """HTTP status of a URL on the local server, without its fragment."""
        url = urllib.parse.urldefrag(url).url
        if url not in self.statuses:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    self.statuses[url] = response.status
                    if url.endswith(".html") or url.endswith("/"):
                        page = response.read().decode("utf-8", "replace")
                        self.anchors[url] = set(re.findall(r'\b(?:id|name)="([^"]+)"', page))
            except urllib.error.HTTPError as error:
                self.statuses[url] = error.code
        return self.statuses[url]

    def has_anchor(self, url):
        base, fragment = urllib.parse.urldefrag(url)
        fragment = urllib.parse.unquote(fragment)
        if not fragment or base not in self.anchors:
            return True
        return fragment in self.anchors[base]


@pytest.fixture(scope="session")
def reader(driver, site_url, site_language):
    return Reader(driver, site_url, site_language)


def artifact_name(name, language):
    """A screenshot's or PDF's name in test-artifacts/, with the site's language but for English."""
    return name if language == "en" else f"{name}-{language}"


def srgb_luminance(rgb):
    channels = []
    for value in rgb[:3]:
        c = value / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(foreground, background):
    lighter, darker = sorted((srgb_luminance(foreground), srgb_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def one_worker_per_page(docnames):
    """Parameters that keep every test of a page on one xdist worker, which
    then loads the page once (pyproject.toml runs pytest with --dist loadgroup)."""
    return [pytest.param(d, id=page_id(d), marks=pytest.mark.xdist_group(d)) for d in docnames]


def read_colours(driver):
    """Body text, link, inline code and heading colours with the background behind them, as RGB."""
    return driver.execute_script(r"""
      const canvas = document.createElement("canvas"); canvas.width = canvas.height = 1;
      const ctx = canvas.getContext("2d", {willReadFrequently: true});
      const rgba = colour => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = colour;
                               ctx.fillRect(0, 0, 1, 1); return [...ctx.getImageData(0, 0, 1, 1).data]; };
      const background = el => { for (; el; el = el.parentElement) {
          const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; }
        return [255, 255, 255, 255]; };
      const article = document.querySelector("article.bd-article");
      const pick = sel => article.querySelector(sel);
      const out = {};
      for (const [name, el] of [["text", pick("p")], ["link", pick("p a.reference, li a.reference")],
                                ["code", pick("p code.literal")], ["heading", pick("h1")]]) {
        if (el) out[name] = {fg: rgba(getComputedStyle(el).color), bg: background(el)};
      }
      return out;""")


def set_theme(driver, wanted):
    """Click the light/dark switch until the page shows the wanted theme."""
    for _ in range(3):
        if driver.execute_script("return document.documentElement.dataset.theme") == wanted:
            return True
        driver.find_element("css selector", ".theme-switch-button").click()
    return driver.execute_script("return document.documentElement.dataset.theme") == wanted


PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
DESKTOP = {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False}


@contextlib.contextmanager
def viewport(driver, metrics):
    """Lay pages out at a phone's or a laptop's size (CSS px) while inside the block.

    Headless Chromium will not make its window narrower than 500 px, so the
    width is emulated, as the browser's device toolbar does."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# Every display equation of the page once MathJax is done: how wide it is, how
# wide the box it sits in, whether that box scrolls and shows that it does.
EQUATIONS_JS = r"""
const done = arguments[arguments.length - 1];
(window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve()).then(() => {
  const article = document.querySelector("article.bd-article");
  const right = article.getBoundingClientRect().right;
  done([...article.querySelectorAll('mjx-container[jax="CHTML"][display="true"]')].map(box => {
    const style = getComputedStyle(box);
    const content = box.querySelector(":scope > mjx-math").getBoundingClientRect().width;
    return {tex: box.parentElement.textContent.replace(/\s+/g, " ").trim().slice(0, 80),
            contentWidth: Math.round(content), boxWidth: box.clientWidth,
            scrolls: ["auto", "scroll"].includes(style.overflowX),
            scrollCue: (style.backgroundImage.match(/gradient/g) || []).length >= 2,
            insideArticle: box.getBoundingClientRect().right <= right + 1};
  }));
}).catch(error => done({error: String(error)}));
"""


def read_equations(driver):
    equations = driver.execute_async_script(EQUATIONS_JS)
    assert "error" not in equations, equations
    return equations
