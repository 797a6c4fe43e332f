"""The built website as a reader meets it, in a real (headless) Chromium.

The site in _build/html (built by `make` / `make test`) is served on a free
localhost port; the browser may reach nothing else, so every check also
proves the book works offline. Every page listed in _toc.yml is loaded once
per test worker and what the checks need is read from it in one pass; the
tests then each state one property of one page.

Screenshots and a PDF of a few key pages are kept in test-artifacts/.
Skips, with a message, only where Chromium or chromedriver is not installed
(scripts/install_system_packages.sh installs them where it can).
"""
import base64
import functools
import http.server
import json
import os
import re
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
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
KEY_PAGES = {
    "intro": "book/intro",
    "rnn_forward": "book/chapters/03_rnn_forward",
    "gru": "book/chapters/09_gru",
    "lstm": "book/chapters/10_lstm",
}
# WCAG 2.1 level AA for body-sized text.
MIN_CONTRAST = 4.5
PAGE_TIMEOUT_S = 30


def read_book_config():
    return yaml.safe_load((REPO / "_config.yml").read_text())


def read_toc():
    """Pages in reading order, and the chapter number of each numbered one.

    Returns:
    pages -- list of docnames ("book/chapters/09_gru") in _toc.yml order
    numbers -- dict docname -> chapter number, for the numbered parts; the
               numbering runs on across parts, as the book numbers them
    """
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages, numbers, chapter = [toc["root"]], {}, 0

    def add_sections(entries, numbered, prefix):
        for position, entry in enumerate((e for e in entries or [] if "file" in e), start=1):
            pages.append(entry["file"])
            if numbered:
                numbers[entry["file"]] = ".".join(map(str, prefix + (position,)))
            add_sections(entry.get("sections"), numbered, prefix + (position,))

    for part in toc.get("parts", []):
        numbered = bool(part.get("numbered"))
        for entry in (e for e in part.get("chapters", []) if "file" in e):
            pages.append(entry["file"])
            if numbered:
                chapter += 1
                numbers[entry["file"]] = str(chapter)
            add_sections(entry.get("sections"), numbered, (chapter,))
    return pages, numbers


PAGES, CHAPTER_NUMBERS = read_toc()
NOTEBOOK_PAGES = [page for page in PAGES if (REPO / f"{page}.ipynb").is_file()]


def page_id(docname):
    return docname.removeprefix("book/")


# --- the site on localhost -------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE}: build it first with `make book`")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"website tests need Chromium and its driver; missing {', '.join(missing)} "
                    "(scripts/install_system_packages.sh installs them with root and apt-get)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                 # Nothing but the local server resolves: a page that needs the
                 # internet (a CDN script, a web font) fails here as it would offline.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Both paths are given, so Selenium Manager has nothing to look up;
    # SE_OFFLINE forbids it to download should that ever change.
    with mock.patch.dict(os.environ, {"SE_OFFLINE": "true"}):
        browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_page_load_timeout(PAGE_TIMEOUT_S)
    browser.set_script_timeout(PAGE_TIMEOUT_S)
    yield browser
    browser.quit()


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
      level: +h.tagName[1], text: text(h)})),
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
  });
})().catch(error => done({error: String(error)}));
"""


class Reader:
    """Loads pages in the shared browser, once each, and remembers them."""

    def __init__(self, driver, site_url):
        self.driver, self.site_url = driver, site_url
        self.pages, self.statuses, self.anchors = {}, {}, {}

    def url(self, docname):
        return urllib.parse.urljoin(self.site_url, f"{docname}.html")

    def docname(self, url):
        """The docname a URL of this site points at, or None."""
        if not url or not url.startswith(self.site_url):
            return None
        path = urllib.parse.urlsplit(url).path.lstrip("/")
        return path.removesuffix(".html")

    def load(self, docname):
        """Open the page, wait until its images and equations are done, read it."""
        if not (SITE / f"{docname}.html").is_file():
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
def reader(driver, site_url):
    return Reader(driver, site_url)


def srgb_luminance(rgb):
    channels = []
    for value in rgb[:3]:
        c = value / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(foreground, background):
    lighter, darker = sorted((srgb_luminance(foreground), srgb_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_follows_wcag_definition():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # #767676 on white is the classic lightest grey that still passes AA.
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


# --- every page --------------------------------------------------------------

pages = pytest.mark.parametrize("docname", PAGES, ids=page_id)


@pages
def test_page_loads_without_console_errors(reader, docname):
    errors = [entry["message"] for entry in reader.visit(docname)["console"]
              if entry["level"] == "SEVERE"]
    assert not errors, f"{docname}: console errors:\n" + "\n".join(errors)


@pages
def test_page_loads_only_files_served_by_the_site(reader, site_url, docname):
    outside = [url for url in reader.visit(docname)["resources"]
               if not url.startswith(site_url) and not url.startswith("data:")]
    assert not outside, f"{docname} fetches from outside the site (breaks offline reading): {outside}"


@pages
def test_every_image_loads(reader, docname):
    broken = [img["src"] for img in reader.visit(docname)["images"] if img["width"] == 0]
    assert not broken, f"{docname}: images that did not load: {broken}"


@pages
def test_every_figure_has_alt_text(reader, docname):
    """Alt text describes the figure; myst-nb's fallback alt (the file name) does not."""
    missing = [img["src"] for img in reader.visit(docname)["images"] if img["inArticle"] and (
        not (img["alt"] or "").strip()
        or re.search(r"\.(png|jpe?g|svg|gif)$", img["alt"].strip(), re.I))]
    assert not missing, (
        f"{docname}: images without a description in alt (for a figure directive use :alt:, "
        f"for a notebook output set cell metadata mystnb.image.alt): {missing}")


@pages
def test_every_equation_is_typeset_without_math_errors(reader, docname):
    page = reader.visit(docname)
    untypeset = [m["text"] for m in page["math"] if not m["typeset"]]
    assert not untypeset, f"{docname}: equations MathJax did not typeset: {untypeset}"
    assert not page["mathErrors"], f"{docname}: MathJax errors: {page['mathErrors']}"


@pages
def test_internal_links_resolve(reader, docname):
    links = sorted(set(reader.visit(docname)["links"]))
    dead = [url for url in links if reader.status(url) != 200]
    assert not dead, f"{docname}: links that do not resolve: {dead}"
    no_anchor = [url for url in links if not reader.has_anchor(url)]
    assert not no_anchor, f"{docname}: links to anchors missing on their target page: {no_anchor}"


@pages
def test_headings_are_in_order(reader, docname):
    headings = reader.visit(docname)["headings"]
    assert headings and headings[0]["level"] == 1, f"{docname}: the page must open with one h1"
    assert [h["level"] for h in headings].count(1) == 1, (
        f"{docname}: more than one h1: {[h['text'] for h in headings if h['level'] == 1]}")
    for before, after in zip(headings, headings[1:]):
        assert after["level"] <= before["level"] + 1, (
            f"{docname}: heading level skips from h{before['level']} ({before['text']!r}) "
            f"to h{after['level']} ({after['text']!r})")


@pages
def test_every_code_block_has_a_copy_button(reader, docname):
    without = [block["text"] for block in reader.visit(docname)["codeBlocks"] if not block["copies"]]
    assert not without, f"{docname}: code blocks without a working copy button: {without}"


@pages
def test_previous_and_next_follow_the_table_of_contents(reader, docname):
    page, position = reader.visit(docname), PAGES.index(docname)
    expected_previous = PAGES[position - 1] if position > 0 else None
    expected_next = PAGES[position + 1] if position + 1 < len(PAGES) else None
    assert reader.docname(page["previous"]) == expected_previous
    assert reader.docname(page["next"]) == expected_next


@pages
def test_page_offers_its_source_and_print_to_pdf(reader, docname):
    page = reader.visit(docname)
    source = reader.docname(page["sourceDownload"]) or ""
    assert source.startswith(f"_sources/{docname}."), (
        f"{docname}: download button points at {page['sourceDownload']}")
    assert page["printButton"], f"{docname}: no 'Print to PDF' button"
    assert page["themeSwitch"], f"{docname}: no light/dark switch"


@pytest.mark.parametrize("docname", list(CHAPTER_NUMBERS), ids=page_id)
def test_chapters_are_numbered(reader, docname):
    number = CHAPTER_NUMBERS[docname]
    assert reader.visit(docname)["sectionNumber"] == f"{number}.", f"{docname}: title not numbered {number}"
    entries = [e for e in reader.visit(PAGES[0])["sidebar"] if reader.docname(e["href"]) == docname]
    assert entries and entries[0]["text"].startswith(f"{number}. "), (
        f"{docname}: sidebar entry {entries} is not numbered {number}")


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES, ids=page_id)
def test_notebook_pages_launch_and_download_their_notebook(reader, docname):
    config = read_book_config()
    repository = urllib.parse.urlsplit(config["repository"]["url"]).path.strip("/")
    branch = config["repository"].get("branch", "main")
    launch = config["launch_buttons"]
    page = reader.visit(docname)
    assert page["binder"] == (f"{launch['binderhub_url']}/v2/gh/{repository}/{branch}"
                              f"?urlpath=tree/{docname}.ipynb")
    assert page["colab"] == (f"{launch['colab_url']}/github/{repository}/blob/{branch}/"
                             f"{docname}.ipynb")
    assert reader.docname(page["sourceDownload"]) == f"_sources/{docname}.ipynb"
    with urllib.request.urlopen(page["sourceDownload"], timeout=10) as response:
        served = json.load(response)
    assert served == json.loads((REPO / f"{docname}.ipynb").read_text())


# --- the site as a whole -------------------------------------------------------

def test_search_finds_the_gru_chapter_for_update_gate(driver, site_url):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(urllib.parse.urljoin(site_url, "search.html?q=update+gate"))
    found = lambda d: d.execute_script(  # noqa: E731
        "return [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    try:
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: any("09_gru" in href for href in found(d)))
    except TimeoutException:
        pytest.fail(f"searching 'update gate' did not list the GRU chapter; results: {found(driver)}")


def read_colours(driver):
    """Body text, link and heading colours with the background behind them, as RGB."""
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
      for (const [name, el] of [["text", pick("p")], ["link", pick("p a.reference")], ["heading", pick("h1")]]) {
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


@pytest.fixture
def intro_page(driver, reader):
    reader.load(PAGES[0])
    yield driver
    # The switch remembers the choice in localStorage; later pages start afresh.
    driver.execute_script("localStorage.clear()")


def test_dark_mode_switch_changes_the_theme(intro_page):
    assert set_theme(intro_page, "light"), "the switch never shows the light theme"
    light = read_colours(intro_page)["text"]["bg"]
    assert set_theme(intro_page, "dark"), "the switch never shows the dark theme"
    dark = read_colours(intro_page)["text"]["bg"]
    assert srgb_luminance(dark) < srgb_luminance(light) / 10, (light, dark)
    intro_page.refresh()
    assert intro_page.execute_script("return document.documentElement.dataset.theme") == "dark", (
        "the chosen theme is not kept across pages")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(intro_page, theme):
    assert set_theme(intro_page, theme)
    colours = read_colours(intro_page)
    assert "text" in colours, "the intro page has no paragraph to measure"
    for name, pair in colours.items():
        ratio = contrast_ratio(pair["fg"], pair["bg"])
        assert ratio >= MIN_CONTRAST, f"{theme} theme: {name} contrast {ratio:.2f} < {MIN_CONTRAST}"


def test_print_view_hides_controls_and_prints_light(intro_page):
    driver = intro_page
    assert set_theme(driver, "dark")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    try:
        shown = driver.execute_script("""
          return [".bd-sidebar-primary", ".bd-header", ".prev-next-area", ".bd-header-article",
                  "button.copybtn", "a.headerlink"]
            .filter(sel => [...document.querySelectorAll(sel)].some(el => el.getClientRects().length));""")
        assert not shown, f"printed pages still show on-screen controls: {shown}"
        assert driver.execute_script("return document.documentElement.dataset.theme") == "light"
        text = read_colours(driver)["text"]
        assert contrast_ratio(text["fg"], (255, 255, 255)) >= MIN_CONTRAST, "printed text is too light for paper"
    finally:
        driver.execute_script("window.dispatchEvent(new Event('afterprint'))")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert driver.execute_script("return document.documentElement.dataset.theme") == "dark", (
        "the reader's theme is not restored after printing")


@pytest.mark.parametrize("name", list(KEY_PAGES))
def test_key_page_screenshot_and_pdf(driver, reader, name):
    docname = KEY_PAGES[name]
    if docname not in PAGES:
        pytest.fail(f"{docname} is a key page but is not in _toc.yml")
    reader.load(docname)
    screenshots = ARTIFACTS / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    png = screenshots / f"{name}.png"
    assert driver.save_screenshot(str(png)) and png.stat().st_size > 10_000, f"blank screenshot {png}"
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
    assert pdf.startswith(b"%PDF-") and re.search(rb"/Type\s*/Page\b", pdf), f"{docname}: printing gave no PDF page"
    if name == "rnn_forward":
        pdfs = ARTIFACTS / "pdf"
        pdfs.mkdir(parents=True, exist_ok=True)
        (pdfs / f"{name}.pdf").write_bytes(pdf)
