"""The built website as a reader meets it, in a real (headless) Chromium.

The site in _build/html (built by `make` / `make test`) is served on a free
localhost port; the browser may reach nothing else, so every check also
proves the book works offline. Every test that reads the site runs on the
English site and on the Chinese one (_build/html/zh), whose pages are the same. Every page listed in _toc.yml is loaded once
and what the checks need is read from it in one pass (tests/website_reader.py);
the tests then each state one property of one page.

Screenshots and a PDF of a few key pages are kept in test-artifacts/.
Skips, with a message, only where Chromium or chromedriver is not installed
(scripts/install_system_packages.sh installs them where it can).
"""
import base64
import json
import re
import urllib.parse
import urllib.request

import pytest

from website_reader import (
    ARTIFACTS,
    CHAPTER_NUMBERS,
    DESKTOP,
    HTML_LANG,
    NOTEBOOK_PAGES,
    PAGE_TIMEOUT_S,
    PAGES,
    PHONE,
    REPO,
    artifact_name,
    contrast_ratio,
    one_worker_per_page,
    read_book_config,
    read_colours,
    read_equations,
    set_theme,
    srgb_luminance,
    viewport,
)

KEY_PAGES = {
    "intro": "book/intro",
    "rnn_forward": "book/chapters/03_rnn_forward",
    "gru": "book/chapters/09_gru",
    "lstm": "book/chapters/10_lstm",
}
# WCAG 2.1 level AA for body-sized text.
MIN_CONTRAST = 4.5


def test_contrast_ratio_follows_wcag_definition():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    # #767676 on white is the classic lightest grey that still passes AA.
    assert contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


# --- every page --------------------------------------------------------------

pages = pytest.mark.parametrize("docname", one_worker_per_page(PAGES))


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
def test_page_names_its_title_and_language_for_screen_readers(reader, docname):
    page = reader.visit(docname)
    assert page["language"] == HTML_LANG[reader.language], f"{docname}: <html lang> is {page['language']!r}"
    heading = page["headings"][0]["text"] if page["headings"] else ""
    assert heading and heading.removeprefix(page["sectionNumber"]).strip() in page["title"], (
        f"{docname}: the <title> {page['title']!r} does not name the page's heading {heading!r}")


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


@pages
def test_language_switch_opens_the_same_page_in_the_other_language(reader, server_url, docname):
    switch = reader.visit(docname)["languageSwitch"]
    assert switch, f"{docname}: no language switch"
    other = "zh" if reader.language == "en" else "en"
    expected = urllib.parse.urljoin(server_url, ("zh/" if other == "zh" else "") + f"{docname}.html")
    assert switch["href"] == expected, f"{docname}: the switch links {switch['href']}"
    assert switch["lang"] == ("zh-Hans" if other == "zh" else "en") and switch["text"] == (
        "中文" if other == "zh" else "English"), switch
    assert reader.status(switch["href"]) == 200, f"{docname}: {switch['href']} is not served"


@pytest.mark.parametrize("docname", one_worker_per_page(CHAPTER_NUMBERS))
def test_chapters_are_numbered(reader, docname):
    number = CHAPTER_NUMBERS[docname]
    assert reader.visit(docname)["sectionNumber"] == f"{number}.", f"{docname}: title not numbered {number}"
    entries = [e for e in reader.visit(PAGES[0])["sidebar"] if reader.docname(e["href"]) == docname]
    assert entries and entries[0]["text"].startswith(f"{number}. "), (
        f"{docname}: sidebar entry {entries} is not numbered {number}")


@pytest.mark.parametrize("docname", one_worker_per_page(NOTEBOOK_PAGES))
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

SEARCHES = {"en": {
    "update gate": "book/chapters/09_gru",
    "teacher forcing": "book/appendix/glossary",
    "梯度": "book/appendix/glossary",          # part of 梯度消失, 梯度爆炸, 梯度裁剪
    "遗忘门": "book/appendix/glossary",
    "神经": "book/appendix/glossary",          # only inside 循环神经网络 and other compounds
    "深层网络": "book/appendix/glossary",      # no such word: 深层 + 网络, as the index cuts them
    "通过时间反向传播": "book/appendix/glossary",  # an alias students meet elsewhere
}, "zh": {
    # the translated chapters, found by parts of their Chinese words (jieba cuts the index)
    "更新门": "book/chapters/09_gru",
    "遗忘": "book/chapters/10_lstm",          # part of 遗忘门
    "裁剪": "book/chapters/08_vanishing_gradients",  # part of 梯度裁剪
    "困惑": "book/chapters/06_language_model",  # part of 困惑度
    "Teddy": "book/chapters/11_bidirectional",  # English words in Chinese text
}}


@pytest.mark.parametrize("site_language, query", [(language, query) for language, queries in SEARCHES.items()
                                                  for query in queries], indirect=["site_language"])
def test_search_finds_the_page_with_clean_snippets(driver, reader, site_url, site_language, query):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(urllib.parse.urljoin(site_url, "search.html?" + urllib.parse.urlencode({"q": query})))
    results = lambda d: d.execute_script(  # noqa: E731
        """return [...document.querySelectorAll('#search-results li')].map(li => ({
             href: li.querySelector('a').href,
             snippet: (li.querySelector('p.context') || {textContent: ''}).textContent}))""")
    expected = SEARCHES[site_language][query]
    try:
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(
            lambda d: any(reader.docname(r["href"].split("#")[0]) == expected for r in results(d)))
        WebDriverWait(driver, PAGE_TIMEOUT_S).until(lambda d: all(r["snippet"] for r in results(d)))
    except TimeoutException:
        pytest.fail(f"searching {query!r} did not list {expected} with snippets; results: {results(driver)}")
    for result in results(driver):
        snippet = result["snippet"]
        assert not re.search(r"\\[a-zA-Z]+|\\\(|\$\$", snippet), f"raw TeX in the snippet for {result['href']}: {snippet}"
        assert not re.search(r"Download|Print to PDF|Contents|Skip to main|下载源文件|下载此页面|打印为 PDF|列印成 PDF", snippet), (
            f"menu text in the snippet for {result['href']}: {snippet}")


@pytest.fixture
def chapter_page(driver, reader):
    """A chapter with prose, links, inline code and equations, freshly loaded."""
    reader.load(KEY_PAGES["rnn_forward"])
    yield driver
    # The switch remembers the choice in localStorage; later pages start afresh.
    driver.execute_script("localStorage.clear()")


def test_dark_mode_switch_changes_the_theme(chapter_page):
    assert set_theme(chapter_page, "light"), "the switch never shows the light theme"
    light = read_colours(chapter_page)["text"]["bg"]
    assert set_theme(chapter_page, "dark"), "the switch never shows the dark theme"
    dark = read_colours(chapter_page)["text"]["bg"]
    assert srgb_luminance(dark) < srgb_luminance(light) / 10, (light, dark)
    chapter_page.refresh()
    assert chapter_page.execute_script("return document.documentElement.dataset.theme") == "dark", (
        "the chosen theme is not kept across pages")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(chapter_page, theme):
    assert set_theme(chapter_page, theme)
    colours = read_colours(chapter_page)
    assert set(colours) == {"text", "link", "code", "heading"}, f"found only {set(colours)} to measure"
    for name, pair in colours.items():
        ratio = contrast_ratio(pair["fg"], pair["bg"])
        assert ratio >= MIN_CONTRAST, f"{theme} theme: {name} contrast {ratio:.2f} < {MIN_CONTRAST}"


def test_print_view_hides_controls_and_prints_light(chapter_page):
    driver = chapter_page
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
def test_key_page_screenshot_and_pdf(driver, reader, site_language, name):
    docname = KEY_PAGES[name]
    if docname not in PAGES:
        pytest.fail(f"{docname} is a key page but is not in _toc.yml")
    reader.load(docname)
    screenshots = ARTIFACTS / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    png = screenshots / f"{artifact_name(name, site_language)}.png"
    assert driver.save_screenshot(str(png)) and png.stat().st_size > 10_000, f"blank screenshot {png}"
    # One page is kept whole as an example; of the others the first sheet shows they print.
    keep = name == "rnn_forward"
    pdf = base64.b64decode(driver.execute_cdp_cmd(
        "Page.printToPDF", {"printBackground": False, "pageRanges": "" if keep else "1"})["data"])
    assert pdf.startswith(b"%PDF-") and re.search(rb"/Type\s*/Page\b", pdf), f"{docname}: printing gave no PDF page"
    if keep:
        pdfs = ARTIFACTS / "pdf"
        pdfs.mkdir(parents=True, exist_ok=True)
        (pdfs / f"{artifact_name(name, site_language)}.pdf").write_bytes(pdf)


# --- on a phone and on a laptop ------------------------------------------------

def visible(driver, selector):
    return [el for el in driver.find_elements("css selector", selector) if el.is_displayed()]


def wait_for(driver, condition, message):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        return WebDriverWait(driver, 5).until(lambda d: d.execute_script(condition))
    except TimeoutException:
        pytest.fail(message)


@pytest.mark.parametrize("toggle, drawer, entry", [
    (".primary-toggle", "#pst-primary-sidebar-modal", ".bd-docs-nav a.reference.internal"),
    (".secondary-toggle", "#pst-secondary-sidebar-modal", "#pst-page-toc-nav a"),
])
def test_phone_reader_opens_the_chapter_list_and_the_page_contents(driver, reader, toggle, drawer, entry):
    with viewport(driver, PHONE):
        reader.load(KEY_PAGES["rnn_forward"])
        assert driver.execute_script("return innerWidth") == PHONE["width"]
        buttons = visible(driver, toggle)
        assert len(buttons) == 1, f"{len(buttons)} visible {toggle} buttons at {PHONE['width']} px"
        buttons[0].click()
        wait_for(driver, f"return document.querySelector('{drawer}').open",
                 f"clicking {toggle} at {PHONE['width']} px does not open {drawer}")
        links = visible(driver, f"{drawer} {entry}")
        assert len(links) >= 3, f"the open {drawer} shows {len(links)} links"
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        wait_for(driver, f"return !document.querySelector('{drawer}').open", f"Escape does not close {drawer}")


def test_desktop_reader_folds_the_chapter_list(driver, reader):
    with viewport(driver, DESKTOP):
        reader.load(KEY_PAGES["rnn_forward"])
        sidebar = "document.querySelector('#pst-primary-sidebar').getBoundingClientRect().right > 0 " \
                  "&& getComputedStyle(document.querySelector('#pst-primary-sidebar')).visibility == 'visible'"
        assert driver.execute_script(f"return {sidebar}"), "the chapter list is not shown at 1366 px"
        visible(driver, ".primary-toggle")[0].click()
        wait_for(driver, f"return !({sidebar})", "the primary toggle does not fold the chapter list at 1366 px")
        visible(driver, ".primary-toggle")[0].click()
        wait_for(driver, f"return {sidebar}", "the primary toggle does not bring the chapter list back")


@pytest.mark.parametrize("metrics", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_no_display_equation_is_clipped(driver, reader, metrics):
    """An equation too wide for its column scrolls sideways and shows that it does;
    none is cut off by the page."""
    clipped = []
    with viewport(driver, metrics):
        for docname in PAGES:
            driver.get(reader.url(docname))
            for eq in read_equations(driver):
                wider = eq["contentWidth"] > eq["boxWidth"] + 1
                if not eq["insideArticle"] or wider and not (eq["scrolls"] and eq["scrollCue"]):
                    clipped.append(f"{docname}: {eq}")
    assert not clipped, f"clipped equations at {metrics['width']} px:\n" + "\n".join(clipped)


def test_display_equations_fit_the_desktop_column(driver, reader):
    """At 1366 px no reader should need to scroll an equation: long ones are broken."""
    too_wide = []
    with viewport(driver, DESKTOP):
        for docname in PAGES:
            driver.get(reader.url(docname))
            too_wide += [f"{docname}: {eq['contentWidth']} px > {eq['boxWidth']} px: {eq['tex']}"
                         for eq in read_equations(driver) if eq["contentWidth"] > eq["boxWidth"] + 1]
    assert not too_wide, "equations wider than the desktop column (break them with aligned):\n" + "\n".join(too_wide)


def test_keyboard_focus_is_visible_and_skips_equations(driver, reader):
    """Tab through a chapter: every stop shows an outline; no equation is a stop."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    reader.load(KEY_PAGES["rnn_forward"])
    stops, seen = [], set()
    for _ in range(400):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        stop = driver.execute_script("""
          const el = document.activeElement; if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const path = []; for (let e = el; e && e !== document.body; e = e.parentElement)
            path.unshift(e.tagName + (e.id ? "#" + e.id : "") + "[" + [...e.parentElement.children].indexOf(e) + "]");
          return {key: path.join(">"), tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                  outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
                  equation: !!el.closest("mjx-container")};""")
        if stop is None or stop["key"] in seen:
            break
        seen.add(stop["key"])
        stops.append(stop)
    assert len(stops) > 20, f"only {len(stops)} tab stops on the chapter"
    equations = [s for s in stops if s["equation"]]
    assert not equations, f"{len(equations)} of {len(stops)} tab stops are equations"
    hidden = [f"{s['tag']} {s['text']!r}" for s in stops if not s["outline"]]
    assert not hidden, f"tab stops without a visible focus outline: {hidden}"


@pytest.mark.parametrize("metrics", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_permalink_lands_below_the_sticky_header(driver, reader, metrics):
    with viewport(driver, metrics):
        reader.load(KEY_PAGES["rnn_forward"])
        # a section in the middle, so the page can scroll it to the top
        anchor = driver.execute_script(
            "const s = document.querySelectorAll('article section section[id]'); return s[s.length >> 1].id")
        driver.get(f"{reader.url(KEY_PAGES['rnn_forward'])}#{anchor}")
        gap = driver.execute_script(f"""
          const header = document.querySelector(".bd-header-article").getBoundingClientRect();
          const heading = document.getElementById("{anchor}").querySelector("h1, h2, h3, h4");
          return heading.getBoundingClientRect().top - header.bottom;""")
    assert gap >= 0, f"#{anchor}'s heading lands {-gap:.0f} px under the sticky header at {metrics['width']} px"


@pytest.mark.parametrize("metrics", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_language_switch_is_in_view_in_one_row_with_the_page_buttons(driver, reader, metrics):
    # the switch was put above the buttons, in a second row cut off by the sticky header
    with viewport(driver, metrics):
        reader.load(KEY_PAGES["rnn_forward"])
        boxes = driver.execute_script("""
          const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
          return {header: box(document.querySelector(".bd-header-article")),
                  switch: box(document.querySelector(".language-switch")),
                  buttons: box(document.querySelector(".article-header-buttons"))};""")
    header, switch, buttons = boxes["header"], boxes["switch"], boxes["buttons"]
    assert header["top"] <= switch["top"] and switch["bottom"] <= header["bottom"], (
        f"the language switch {switch} sticks out of the page header {header} at {metrics['width']} px")
    assert switch["top"] < buttons["bottom"] and buttons["top"] < switch["bottom"], (
        f"the language switch {switch} is not in one row with the buttons {buttons} at {metrics['width']} px")


# --- small slips ---------------------------------------------------------------

@pages
def test_page_has_unique_ids_and_no_doubled_words(reader, docname):
    page = reader.visit(docname)
    assert not page["duplicateIds"], f"{docname}: ids used more than once: {page['duplicateIds']}"
    assert not page["doubledWords"], f"{docname}: doubled words: {page['doubledWords']}"


@pages
def test_page_shows_its_licence_and_when_it_last_changed(reader, docname):
    import datetime
    import subprocess
    page = reader.visit(docname)
    assert any("creativecommons.org/licenses/by/4.0" in href for href in page["licenceLinks"]), (
        f"{docname}: no content licence in the footer")
    assert "CC BY 4.0" in (REPO / "LICENSE").read_text(), "LICENSE does not state the content licence"
    sources = [next(p for p in REPO.glob(f"{docname}.*") if p.suffix in (".md", ".ipynb"))]
    if reader.language == "zh":  # a translated page changes with its catalogue too
        sources.append(REPO / "book" / "locale" / "zh_CN" / "LC_MESSAGES" / f"{docname}.po")
    committed = [subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(source)], cwd=REPO,
                                capture_output=True, text=True).stdout.strip() for source in sources]
    # A page edited but not committed when the site was built shows the day of the build.
    expected = {max((datetime.date.fromisoformat(day) for day in committed if day), default=None),
                datetime.date.today()}
    shown = {"en": "Last updated on {day:%d %B %Y}.", "zh": "最后更新于 {day.year} 年 {day.month} 月 {day.day} 日."}
    assert page["lastUpdated"] in {shown[reader.language].format(day=day) for day in expected if day}, (
        f"{docname}: footer says {page['lastUpdated']!r}; its sources last changed {expected}")


def test_printed_page_title_keeps_the_chapter_number(driver, reader):
    reader.load(KEY_PAGES["lstm"])
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        titles = driver.execute_script("""return [...document.querySelectorAll("h1")]
            .filter(h => h.getClientRects().length).map(h => h.textContent.replace(/#$/, "").trim())""")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    number = CHAPTER_NUMBERS[KEY_PAGES["lstm"]]
    assert titles and all(t.startswith(f"{number}. ") for t in titles), (
        f"printed titles {titles} do not start with the chapter number {number}")


def test_missing_page_gets_a_404_page_with_a_way_back(driver, site_url, site_language, server_url):
    driver.get(urllib.parse.urljoin(site_url, "404.html"))
    assert {"en": "Page not found", "zh": "找不到页面"}[site_language] in driver.title
    switch = driver.find_element("id", "language-switch").get_attribute("href")
    assert switch == urllib.parse.urljoin(server_url, ("zh/" if site_language == "en" else "") + "book/intro.html")
    home = driver.find_element("id", "home").get_attribute("href")
    search = driver.find_element("id", "search").get_attribute("action")
    assert home == urllib.parse.urljoin(site_url, "book/intro.html"), home
    assert search == urllib.parse.urljoin(site_url, "search.html"), search
    for url in (home, search, switch):
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200


# --- the bilingual glossary ------------------------------------------------------

GLOSSARY = "book/appendix/glossary"
# Terms the chapters use, and names students meet in other textbooks (issue 16).
GLOSSARY_MUST_LIST = ["relevance gate", "perplexity", "困惑度", "teacher forcing", "greedy decoding",
                      "singular value", "spectral norm", "dense layer", "全连接层", "主谓一致",
                      "Xavier initialisation", "He initialisation", "dropout",
                      "通过时间反向传播", "隐状态", "记忆元", "批量规范化", "词元化"]


@pytest.mark.parametrize("docname", one_worker_per_page(
    [p for p in CHAPTER_NUMBERS if p.startswith("book/chapters/")]))
def test_chapter_links_glossary_terms_at_first_use(reader, docname):
    links = reader.visit(docname)["glossaryLinks"]
    assert len(links) >= 3, f"{docname} links only {links} to the glossary"
    targets = [link["href"].split("#")[1] for link in links]
    assert len(targets) == len(set(targets)), f"{docname}: a term is linked more than once: {targets}"
    assert all(reader.docname(link["href"].split("#")[0]) == GLOSSARY for link in links)


def test_glossary_lists_the_terms_students_meet(reader):
    terms = reader.visit(GLOSSARY)["glossaryTerms"]
    missing = [t for t in GLOSSARY_MUST_LIST if t not in terms]
    assert not missing, f"the glossary lacks {missing}"
    assert "{term}" not in reader.visit(GLOSSARY)["articleText"], "raw {term} syntax shown on the glossary"


def test_text_in_the_other_language_is_marked_for_screen_readers(reader):
    """English site: Chinese text is marked zh-Hans. Chinese site (html lang zh-CN):
    what is still English (glossary terms, references) is marked en."""
    page = reader.visit(GLOSSARY)
    if reader.language == "en":
        assert not page["unmarkedChinese"], f"Chinese text outside lang=zh-Hans: {page['unmarkedChinese'][:10]}"
    else:
        assert not page["unmarkedEnglish"], f"English text outside lang=en: {page['unmarkedEnglish'][:10]}"
    assert reader.has_anchor(reader.url(GLOSSARY) + "#term-遗忘门") and reader.status(reader.url(GLOSSARY)) == 200


def test_glossary_card_on_keyboard_focus(driver, reader):
    reader.load(KEY_PAGES["lstm"])
    driver.execute_script("document.querySelector('a.glossary-term').focus()")
    wait_for(driver, "return document.activeElement.matches('a.glossary-term[aria-describedby]')",
             "focusing a glossary link shows no card")
    card = driver.execute_script("""
      const link = document.activeElement;
      const card = document.getElementById(link.getAttribute("aria-describedby") || "none");
      return card && !card.hidden && card.getClientRects().length ? {
        text: card.textContent, zh: (card.querySelector("[lang='zh-Hans']") || {textContent: ""}).textContent,
        term: link.textContent} : null;""")
    assert card, "focusing a glossary link shows no card"
    assert card["zh"] and re.search(r"[\u4e00-\u9fff]", card["zh"]), f"the card has no Chinese term: {card}"
    assert len(card["text"]) > len(card["zh"]) + 20, f"the card has no definition: {card}"


# --- page weight -----------------------------------------------------------------

@pages
def test_page_loads_no_unused_script(reader, docname):
    """The icon kit (1.49 MB), the right-click menu of MathJax (426 kB) and, outside
    the search page, the search index are not part of a first visit
    (benchmarks/page_weight.py measures the bytes)."""
    page = reader.visit(docname)
    unused = [url for url in page["resources"]
              if re.search(r"fontawesome\.js|searchindex\.js|searchtools\.js|mathjax/ui/menu\.js"
                           r"|tex-mml-chtml\.js|fa-brands-400", url)
              or not page["usesDesign"] and re.search(r"sphinx-design\.min\.css|design-tabs\.js", url)]
    assert not unused, f"{docname} loads {unused}"


def test_header_icons_still_show(driver, reader):
    reader.load(KEY_PAGES["rnn_forward"])
    icons = driver.execute_script("""
      return [...document.querySelectorAll(".bd-header-article i[class*='fa-'], .bd-header-article svg.svg-inline--fa")]
        .filter(el => el.closest(".dropdown-menu") === null && el.getClientRects().length)
        .map(el => ({cls: el.getAttribute("class"), width: el.getBoundingClientRect().width,
                     glyph: el.tagName === "svg" ? "svg" : getComputedStyle(el, "::before").content,
                     font: getComputedStyle(el).fontFamily}));""")
    assert len(icons) >= 4, f"only {icons} icons in the article header"
    for icon in icons:
        assert icon["width"] > 4 and icon["glyph"] not in ("none", "normal", '""'), f"an icon draws nothing: {icon}"
    fonts_loaded = driver.execute_script(
        "return document.fonts.check('900 1em \"Font Awesome 6 Free\"') && document.fonts.status === 'loaded'")
    assert fonts_loaded, "the icon font did not load"
    assert driver.find_elements("css selector", "a[href*='github.com'] svg.svg-inline--fa.fa-github")


def test_right_click_on_an_equation_opens_the_mathjax_menu(driver, reader):
    from selenium.webdriver.common.action_chains import ActionChains
    reader.load(KEY_PAGES["rnn_forward"])
    equation = driver.find_elements("css selector", "mjx-container[display='true']")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", equation)
    ActionChains(driver).context_click(equation).perform()
    wait_for(driver, "return [...document.querySelectorAll('.CtxtMenu_Menu')].some(m => /Show Math As/.test(m.textContent))",
             "right-clicking an equation opens no MathJax menu")
    assert driver.execute_script("return document.querySelectorAll('mjx-container[tabindex=\"0\"]').length") == 0, (
        "after the menu loaded, equations became tab stops")
    ActionChains(driver).send_keys("\ue00c").perform()


# --- the whole book as one PDF ----------------------------------------------------

def test_chromium_has_a_font_for_chinese():
    """Without one, the Chinese site and its PDF show boxes (fonts-noto-cjk, installed by
    scripts/install_system_packages.sh from the system's packages, no download at build time)."""
    import shutil
    import subprocess

    from website_reader import CHROMIUM
    if not CHROMIUM.exists() or not shutil.which("fc-list"):
        pytest.skip("no Chromium or fontconfig here")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no font with Chinese characters (apt-get install fonts-noto-cjk)"


def test_whole_book_pdf_has_every_chapter_figures_and_typeset_equations(reader, site_url):
    import shutil
    import subprocess
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is missing (poppler-utils; scripts/install_system_packages.sh installs it)")
    intro = reader.visit(PAGES[0])
    links = [href for href in intro["links"] if href.endswith(".pdf")]
    assert links, "the book's first page does not link the whole-book PDF"
    assert reader.status(links[0]) == 200, f"{links[0]} is not served (make pdf builds it)"
    pdf = reader.site_dir / links[0].removeprefix(reader.site_url)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for docname in CHAPTER_NUMBERS:
        title = reader.visit(docname)["headings"][0]["text"]
        # (pdftotext spaces Chinese text as it likes)
        assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", text), f"the PDF lacks the numbered title {title!r}"
    assert "⟨t⟩" in flat and "tanh" in flat, "no typeset equation (a⟨t⟩ = tanh(...)) in the PDF"
    assert not re.search(r"\\(langle|frac|tanh)\b", flat), "raw TeX in the PDF: MathJax had not typeset it"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    figures = sum(reader.visit(d)["images"] and sum(i["inArticle"] for i in reader.visit(d)["images"]) for d in CHAPTER_NUMBERS)
    assert len(images.splitlines()) - 2 >= figures, f"the PDF has fewer images than the chapters' {figures} figures"


# --- figures and code ------------------------------------------------------------

DRAWING_CALL = r"\b(box|arrow|rnn_chain|blank_axes)\("


def test_diagram_drawing_code_is_folded_and_code_wraps(driver, reader):
    """No diagram's drawing code is in the reader's way, and no code cell scrolls
    sideways at desktop width (long lines wrap at the column)."""
    shown, scrolling = [], []
    with viewport(driver, DESKTOP):
        for docname in NOTEBOOK_PAGES:
            reader.load(docname)
            cells = driver.execute_script("""
              return [...document.querySelectorAll("article div.cell_input")].map(cell => {
                const pre = cell.querySelector("pre");
                return {shown: cell.getClientRects().length > 0 && !cell.closest("details:not([open])"),
                        text: pre ? pre.textContent : "", scrolls: pre ? pre.scrollWidth > pre.clientWidth + 1 : false};
              });""")
            shown += [f"{docname}: {c['text'][:60]!r}" for c in cells if c["shown"] and re.search(DRAWING_CALL, c["text"])]
            scrolling += [f"{docname}: {c['text'][:60]!r}" for c in cells if c["shown"] and c["scrolls"]]
    assert not shown, "diagram-drawing code shown unfolded:\n" + "\n".join(shown)
    assert not scrolling, "code cells that scroll sideways at 1366 px:\n" + "\n".join(scrolling)


def test_figure_opens_full_screen_on_a_phone(driver, reader):
    with viewport(driver, PHONE):
        reader.load(KEY_PAGES["lstm"])
        figure = driver.find_elements("css selector", "article div.cell_output img")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
        figure.click()
        wait_for(driver, "const v = document.querySelector('dialog.figure-viewer'); return v && v.open",
                 "tapping a figure does not open it full screen")
        width = driver.execute_script("return document.querySelector('dialog.figure-viewer img').getBoundingClientRect().width")
        assert width >= PHONE["width"] * 0.95, f"the full-screen figure is {width:.0f} px wide"
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        wait_for(driver, "return !document.querySelector('dialog.figure-viewer').open", "Escape does not close the figure")
        assert driver.execute_script("return document.activeElement === arguments[0]", figure), (
            "the focus does not return to the figure")


def test_figures_keep_their_colours_on_white_in_dark_mode(chapter_page):
    assert set_theme(chapter_page, "dark")
    looks = chapter_page.execute_script("""
      return [...document.querySelectorAll("article div.cell_output img, article figure img")].map(img => {
        const s = getComputedStyle(img); return {filter: s.filter, background: s.backgroundColor}; });""")
    assert looks, "no figure on the chapter"
    for look in looks:
        assert look["filter"] == "none", f"figures are dimmed in dark mode: {look}"
        assert look["background"] == "rgb(255, 255, 255)", f"figures are not on white in dark mode: {look}"


MIN_FIGURE_LABEL_PX = 9


@pytest.mark.parametrize("docname", one_worker_per_page(NOTEBOOK_PAGES))
def test_figure_labels_are_legible_on_a_phone(driver, reader, docname):
    """At 390 px, every figure of a notebook page (chapters and appendix) is SVG (sharp
    at any density) and its smallest label (SVG text) is drawn at least 9 CSS px tall."""
    problems = []
    with viewport(driver, PHONE):
        reader.load(docname)
        wait_for(driver, "return [...document.querySelectorAll('article div.cell_output img')]"
                         ".every(img => !/[.]svg$/.test(img.src) || img.style.minWidth || innerWidth > 991)",
                 f"{docname}: figures.js did not size the SVG figures")
        figures = driver.execute_script("""
          return [...document.querySelectorAll("article div.cell_output img, article figure img")]
            .map(img => ({src: img.src, width: img.getBoundingClientRect().width}));""")
        for figure in figures:
            if not figure["src"].endswith(".svg"):
                problems.append(f"{docname}: not SVG: {figure['src'].rsplit('/', 1)[-1]}")
                continue
            with urllib.request.urlopen(figure["src"], timeout=10) as response:
                svg = response.read().decode("utf-8")
            view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))
            sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*(?:[a-z-]+\s+)*([\d.]+)px", svg)]
            if sizes:
                smallest = min(sizes) * figure["width"] / view_width
                if smallest < MIN_FIGURE_LABEL_PX - 0.05:
                    problems.append(f"{docname}: smallest label {smallest:.1f} px in {figure['src'].rsplit('/', 1)[-1]}")
    assert not problems, "figures not legible at 390 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_phone_screenshot_of_a_chapter(driver, reader, site_language, theme):
    screenshots = ARTIFACTS / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    png = screenshots / f"{artifact_name('rnn_forward', site_language)}-phone-{theme}.png"
    with viewport(driver, PHONE):
        reader.load(KEY_PAGES["rnn_forward"])
        try:
            assert set_theme(driver, theme), f"the switch never shows the {theme} theme"
            assert driver.save_screenshot(str(png)) and png.stat().st_size > 10_000, f"blank screenshot {png}"
        finally:
            driver.execute_script("localStorage.clear()")
