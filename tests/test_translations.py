"""The Chinese edition: its catalogues follow the English pages, keep their markup and
the glossary's terms, and the Chinese site is built from them.

- sync: every translatable sentence of every page (extracted afresh from the English
  pages by Sphinx's gettext builder, into a temporary folder) has a translation that
  is not fuzzy, so an English edit cannot land without its translation;
- markup: a translation keeps its English's inline math, roles and their targets,
  glue names and formats, inline code, link targets and URLs;
- terms: the glossary's Chinese column is the translation memory (one Chinese name per
  English term; other textbooks' names only on the glossary page);
- the built site (`make book`): every page in Chinese, with a language switch to the
  same page on the other site, the right <html lang>, and no translated sentence
  left in English.

The catalogues are book/locale/zh_CN/LC_MESSAGES/<page>.po (scripts/translations.py);
TRANSLATION_CATALOGUES and ZH_SITE point the tests at other copies.
"""
import html.parser
import importlib.util
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from website_reader import PAGES, REPO, read_book_config

_spec = importlib.util.spec_from_file_location("translations", REPO / "scripts" / "translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

CATALOGUES = Path(os.environ.get("TRANSLATION_CATALOGUES", translations.CATALOGUES))
EN_SITE = REPO / "_build" / "html"
ZH_SITE = Path(os.environ.get("ZH_SITE", EN_SITE / "zh"))
GLOSSARY_PAGE = "book/appendix/glossary"
ENGLISH_DOCSTRING_PAGES = set(read_book_config()["sphinx"]["config"].get("english_docstring_pages", []))
HAN = re.compile(r"[\u3400-\u9fff]")


def read_catalogue(page):
    path = CATALOGUES / f"{page}.po"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def translated(catalogue):
    """(English, Chinese) of every entry with a translation that Sphinx uses."""
    return [(m.id, m.string) for m in catalogue if m.id and m.string and not m.fuzzy]


def short(text, width=110):
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= width else text[:width - 1] + "…"


by_page = pytest.mark.parametrize("page", PAGES)


# --- (a) every sentence translated --------------------------------------------------

@pytest.fixture(scope="session")
def english_templates(tmp_path_factory):
    """{page: [English sentences]} from a fresh gettext build of the English pages."""
    folder = translations.extract(tmp_path_factory.mktemp("gettext"))
    templates = {}
    for path in folder.rglob("*.pot"):
        with path.open("rb") as handle:
            templates[str(path.relative_to(folder).with_suffix(""))] = [m.id for m in read_po(handle) if m.id]
    assert templates, f"the gettext build wrote no templates under {folder}"
    return templates


@by_page
def test_every_sentence_of_the_page_is_translated(english_templates, page):
    assert page in english_templates, f"{page}: no English template was extracted"
    catalogue = read_catalogue(page)
    assert catalogue is not None, f"{page}: no catalogue {CATALOGUES / page}.po (scripts/translations.py update)"
    missing, fuzzy = [], []
    for english in english_templates[page]:
        message = catalogue.get(english)
        if message is None or not message.string:
            missing.append(english)
        elif message.fuzzy:
            fuzzy.append(english)
    total = len(english_templates[page])
    assert not missing and not fuzzy, (
        f"{page}: {len(missing)} of {total} sentences have no Chinese and {len(fuzzy)} are fuzzy (the English "
        f"changed); run `scripts/translations.py update`, then `worksheet {page}`:\n"
        + "\n".join([f"  missing: {short(s)}" for s in missing] + [f"  fuzzy:   {short(s)}" for s in fuzzy]))


# --- (b) markup kept ------------------------------------------------------------------

# roles whose text before <target> is a link text (translated); their target is kept
LINK_ROLES = {"doc", "ref", "numref", "download", "term", "eq"}
TOKEN = re.compile(r"""
    (?P<attr>\b(?:href|src)="[^"]*")
  | (?P<role>\{(?P<name>[\w:.+-]+)\}`(?P<body>[^`]*)`)
  | (?P<math>\$\$.+?\$\$|\$[^$]+\$)
  | (?P<code>``.+?``|`[^`]+`)
  | (?P<link>\]\((?P<target>[^)\s]+)\))
  | (?P<url>https?://[^\s)>\]"'，。；）]+)
  | (?P<footnote>\[\^[^\]]+\])
""", re.VERBOSE | re.DOTALL)


def markup_tokens(text):
    """The parts of a sentence a translation keeps exactly, as a set of strings."""
    tokens = set()
    for match in TOKEN.finditer(text):
        if match["role"]:
            target = re.fullmatch(r"(.*?)\s*<([^<>]+)>\s*", match["body"], re.DOTALL)
            if match["name"] in LINK_ROLES and target:
                tokens.add(f"{{{match['name']}}}<{target[2]}>")
            else:
                tokens.add(match["role"])
        elif match["link"]:
            tokens.add(f"({match['target']})")
        else:
            tokens.add(re.sub(r"\s+", " ", match.group()))
    return tokens


def test_markup_tokens_read_roles_math_code_and_links():
    text = ("See {doc}`chapter 2 <02_notation>`, $a^{\\langle t\\rangle}$, `rnn_forward` and "
            "{glue:text}`loss:.3f` {cite}`graves2013` [the notes](https://example.org/x) "
            '<a class="pdf" href="../book.pdf">the book</a>.')
    assert markup_tokens(text) == {"{doc}<02_notation>", "$a^{\\langle t\\rangle}$", "`rnn_forward`",
                                   "{glue:text}`loss:.3f`", "{cite}`graves2013`", "(https://example.org/x)",
                                   'href="../book.pdf"'}
    assert markup_tokens("{doc}`第 2 章 <02_notation>`") == {"{doc}<02_notation>"}


@pytest.mark.parametrize("page", PAGES)
def test_translations_keep_math_roles_code_and_links(page):
    catalogue = read_catalogue(page)
    if catalogue is None:
        pytest.fail(f"{page}: no catalogue")
    broken = []
    for english, chinese in translated(catalogue):
        lost, added = markup_tokens(english) - markup_tokens(chinese), markup_tokens(chinese) - markup_tokens(english)
        if lost or added:
            broken.append(f"  {short(english)}\n    lost: {sorted(lost)}  added: {sorted(added)}")
    assert not broken, (f"{page}: {len(broken)} translations changed math, a role's target, a glue name or "
                        f"format, inline code or a URL:\n" + "\n".join(broken))


# Words in the math of a display equation: \text{...} that is not a subscript or superscript label
# (dc_{\text{next}} is a symbol's name). Since a translation's math is its English's, such words would stay
# English on the Chinese site: the book writes them in the sentence around the equation, or as symbols
# (\dots for "terms through ...", \min(1, v/\|g\|) for "if").
TEXT_IN_MATH = re.compile(r"(?<![_^])(?<![_^]\{)\\text\{([^{}]*)\}")


def is_display_block(english):
    """Whether a catalogue entry is a $$ block of its own: its English starts and ends with a line break (the
    Chinese may lose them: scripts/translations.py apply strips them)."""
    return english.startswith("\n") and english.endswith("\n")


def display_math(text, block):
    """The display equations of a catalogue entry: its whole text for a block (is_display_block of its English),
    else its $$...$$ spans."""
    return [text.strip("\n")] if block else re.findall(r"\$\$.+?\$\$", text, re.DOTALL)


def words_in_display_math(text, block):
    """The words of ``text``'s display equations that a reader sees as words (see TEXT_IN_MATH)."""
    return [words for math in display_math(text, block) for words in TEXT_IN_MATH.findall(math)
            if re.search(r"[A-Za-z]{2,}", words)]


def test_words_in_display_math_are_found():
    assert words_in_display_math("\n\\Gamma_f &= \\sigma(z_f) &&\\text{forget gate}\\\\\n", True) == ["forget gate"]
    assert words_in_display_math("see $$a + \\big(\\text{terms through } b\\big)$$ here", False) == ["terms through "]
    assert words_in_display_math("dc = dc_{\\text{next}} + da, \\quad h_\\text{prev}", True) == []
    assert words_in_display_math("inline $P(\\text{cats})$ is an example, not an equation", False) == []


@pytest.mark.parametrize("page", PAGES)
def test_display_math_is_the_englishs_and_holds_no_words(page):
    catalogue = read_catalogue(page)
    if catalogue is None:
        pytest.fail(f"{page}: no catalogue")
    problems = []
    for english, chinese in translated(catalogue):
        block = is_display_block(english)
        if display_math(english, block) != display_math(chinese, block):
            problems.append(f"  {short(english)}\n    the Chinese changed its display math")
        words = words_in_display_math(chinese, block)
        if words:
            problems.append(f"  {short(chinese)}\n    English words in \\text{{}}: {words}")
    assert not problems, (f"{page}: display equations must be the English ones and hold no words (write them "
                          "in the sentence around the equation, or as symbols):\n" + "\n".join(problems))


# --- (c) the glossary's terms ----------------------------------------------------------

def glossary_entries():
    """[(English names, Chinese names)] of book/appendix/glossary.md, in its order."""
    source = (REPO / f"{GLOSSARY_PAGE}.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", source, re.DOTALL)
    assert block, "book/appendix/glossary.md has no glossary directive"
    entries, names = [], []
    for line in block[1].splitlines():
        if line.strip() and not line.startswith((" ", ":")):
            names.append(line.strip())
        elif names:
            entries.append(([n for n in names if not HAN.search(n)], [n for n in names if HAN.search(n)]))
            names = []
    return [entry for entry in entries if entry[0] and entry[1]]


# English words -> a Chinese rendering that is right for them although it is not the
# entry's first Chinese name (and is then no "other textbook's" name either).
TERM_EXCEPTIONS = {
    "relevance gate": ("相关门", "the notes' own name for the reset gate; the translation guide keeps "
                                "相关门 where the English says relevance"),
    "He initialisation": ("He 初始化", "the entry names two schemes; its first Chinese, Xavier 初始化, is the other"),
    "He scaling": ("He 初始化", "He's scale of the initial weights is He initialisation"),
    "initialisation": ("初始化", "a named scheme (Xavier 初始化) or the initial weights; 参数初始化 is the "
                                "entry's name, 初始化 what every scheme's name ends in"),
    "activation": ("激活值", "the English itself says activation (the notes' name for a^<t>), not hidden state"),
    "pre-activation": ("预激活值", "the input of the activation function, a word of its own"),
    "largest singular value": ("最大奇异值", "the English says largest singular value, word for word"),
    "temperature": ("气温", "the weather's temperature (a forecasting task), not the sampling temperature"),
}


def prose(text):
    """A sentence without math, code, URLs and role targets (a link role's text stays)."""
    def keep_text(match):
        if match["role"]:
            target = re.fullmatch(r"(.*?)\s*<([^<>]+)>\s*", match["body"], re.DOTALL)
            return f" {target[1]} " if match["name"] in LINK_ROLES and target else " "
        return " "
    return TOKEN.sub(keep_text, text)


def word_pattern(name):
    flags = 0 if name.isupper() else re.IGNORECASE
    body = re.escape(name).replace(r"\ ", r"\s+").replace(r"\-", "[-‐–]")
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", flags)


def abbreviated(name, entries):
    """A Chinese name with the terms inside it written as their kept abbreviations
    (深层循环神经网络 -> 深层RNN), without spaces."""
    for english_names, chinese_names in entries:
        for abbreviation in (n for n in english_names if n.isupper()):
            name = name.replace(chinese_names[0], abbreviation)
    return re.sub(r"\s+", "", name)


def term_problems(english, chinese, entries):
    """What a translated sentence gets wrong about the glossary's terms."""
    english, chinese = prose(english), prose(chinese)
    allowed = {zh for en, (zh, _) in TERM_EXCEPTIONS.items() if word_pattern(en).search(english)}
    compact = re.sub(r"\s+", "", chinese).lower()
    # the terms the English uses, the longer name winning where two overlap
    # ("long short-term memory cell" is an LSTM cell, not a memory cell)
    matches = sorted(((m.start(), m.end(), index, name) for index, (names, _) in enumerate(entries)
                      for name in names for m in word_pattern(name).finditer(english)),
                     key=lambda match: match[0] - match[1])
    taken, used = [], {}
    for start, end, index, name in matches:
        if not any(start < other_end and other_start < end for other_start, other_end in taken):
            taken.append((start, end))
            used.setdefault(index, name)
    problems = []
    for index, name in sorted(used.items()):
        english_names, chinese_names = entries[index]
        accepted = [chinese_names[0], abbreviated(chinese_names[0], entries), *english_names, *allowed]
        if not any(re.sub(r"\s+", "", accepted_name).lower() in compact for accepted_name in accepted):
            problems.append(f"{name!r} is not {chinese_names[0]!r} (nor kept in English)")
    rest = chinese
    for name in sorted({zh[0] for _, zh in entries} | allowed, key=len, reverse=True):
        rest = rest.replace(name, " ")
    for _, chinese_names in entries:
        for other in chinese_names[1:]:
            if other in rest and other not in allowed:
                problems.append(f"{other!r} is another textbook's name: use {chinese_names[0]!r}")
    return problems


def test_a_singular_value_and_the_spectral_norm_have_their_own_chinese():
    """One entry named both once, so that every singular value had to be written 谱范数 (the largest one)."""
    chinese_of = {name: chinese[0] for names, chinese in glossary_entries() for name in names}
    assert chinese_of["singular value"] == "奇异值" and chinese_of["spectral norm"] == "谱范数"


def test_term_check_finds_a_wrong_and_an_other_textbooks_name():
    entries = [(["memory cell"], ["记忆细胞", "记忆元"]), (["recurrent neural network", "RNN"], ["循环神经网络"]),
               (["reset gate", "relevance gate"], ["重置门", "相关门"])]
    assert term_problems("The memory cell of an RNN.", "RNN 的记忆细胞。", entries) == []
    assert len(term_problems("The memory cell.", "记忆单元。", entries)) == 1
    assert len(term_problems("The memory cell.", "记忆细胞，即记忆元。", entries)) == 1
    assert term_problems("The relevance gate.", "相关门。", entries) == []
    assert len(term_problems("The reset gate.", "相关门。", entries)) == 2
    entries.append((["deep RNN"], ["深层循环神经网络"]))
    assert term_problems("A deep RNN.", "深层 RNN。", entries) == []
    entries.append((["long short-term memory", "LSTM"], ["长短期记忆网络"]))
    assert term_problems("The long short-term memory cell.", "长短期记忆网络单元。", entries) == []


@pytest.mark.parametrize("page", [p for p in PAGES if p != GLOSSARY_PAGE])
def test_translations_use_the_glossarys_chinese_terms(page):
    catalogue = read_catalogue(page)
    if catalogue is None:
        pytest.fail(f"{page}: no catalogue")
    entries = glossary_entries()
    found = []
    for english, chinese in translated(catalogue):
        problems = term_problems(english, chinese, entries)
        if problems:
            found.append(f"  {short(english)}\n    -> {short(chinese)}\n    " + "; ".join(problems))
    assert not found, (f"{page}: {len(found)} translations do not use the glossary's Chinese "
                       "(book/appendix/glossary.md: the first Chinese name of each entry):\n" + "\n".join(found))


# --- (d) the built Chinese site ----------------------------------------------------------

class PageText(html.parser.HTMLParser):
    """The prose of a built page's article: text outside code, equations and scripts;
    the <html lang>; and the language switch's link."""
    SKIP = {"pre", "code", "script", "style", "svg", "math", "mjx-container"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, skip_english=False):
        super().__init__(convert_charrefs=True)
        self.skip_english = skip_english
        self.lang, self.switch, self.parts = None, None, []
        self._skip, self._article = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and "language-switch" in classes and self.switch is None:
            self.switch = attrs.get("href")
        if tag in self.VOID:
            return
        if tag == "article" or self._article:
            self._article += 1
        # (an API entry, <dl class="py ...">, is a docstring: English on both sites)
        if self._skip or tag in self.SKIP or "math" in classes or tag == "dl" and "py" in classes \
                or self.skip_english and attrs.get("lang") == "en":
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if self._article:
            self._article -= 1

    def handle_data(self, data):
        if self._article and not self._skip:
            self.parts.append(data)

    @property
    def text(self):
        return re.sub(r"\s+", " ", " ".join(self.parts))


def read_built_page(path, skip_english=False):
    parser = PageText(skip_english)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


SITE_PAGES = [*PAGES, "search", "genindex"]


@pytest.mark.parametrize("site", ["en", "zh"])
@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_links_the_same_page_in_the_other_language(site, page):
    here, there = (EN_SITE, ZH_SITE) if site == "en" else (ZH_SITE, EN_SITE)
    path = here / f"{page}.html"
    assert path.is_file(), f"{path} was not built (make book)"
    built = read_built_page(path)
    assert built.lang == ("en" if site == "en" else "zh-CN"), f"{path}: <html lang={built.lang!r}>"
    assert built.switch, f"{path}: no language switch"
    target = (path.parent / built.switch).resolve()
    assert target == (there / f"{page}.html").resolve(), f"{path}: the switch links {built.switch}"
    assert target.is_file(), f"{path}: the switch's page {target} does not exist"


@pytest.mark.parametrize("site", ["en", "zh"])
def test_404_page_links_the_other_language(site):
    page = (EN_SITE if site == "en" else ZH_SITE) / "404.html"
    source = page.read_text(encoding="utf-8")
    assert f'<html lang="{"en" if site == "en" else "zh-Hans"}">' in source
    switch = re.search(r'<a id="language-switch"[^>]*href="([^"]*)"', source)
    assert switch and switch[1].endswith("book/intro.html") and ("/zh/" in switch[1]) == (site == "en"), switch


def english_left(page, site=ZH_SITE):
    """Translated sentences of a page whose English still shows on its Chinese page:
    for each, the longest run of three or more English words of its prose that the
    translation does not keep."""
    catalogue = read_catalogue(page)
    # the API reference's docstrings stay English (book/_ext/english_docstrings.py), marked lang="en"
    # like an untranslated block, whose absence the sync test checks
    text = read_built_page(site / f"{page}.html", skip_english=page in ENGLISH_DOCSTRING_PAGES).text
    left = []
    for english, chinese in translated(catalogue):
        if english == chinese:
            continue
        runs = [r.strip() for r in re.findall(r"(?:[A-Za-z][A-Za-z'’-]*[ ,;]+){2,}[A-Za-z][A-Za-z'’-]*",
                                              re.sub(r"\s+", " ", prose(english).replace("*", "")))]
        runs = [r for r in runs if r not in chinese]
        if runs and max(runs, key=len) in text:
            left.append(short(english))
    return left


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_shows_no_translated_sentence_in_english(page):
    """Checked on every page for the sentences translated so far: a page whose
    catalogue is complete (the sync test) then has no English sentence left."""
    path = ZH_SITE / f"{page}.html"
    assert path.is_file(), f"{path} was not built (make book)"
    if read_catalogue(page) is None:
        pytest.fail(f"{page}: no catalogue")
    left = english_left(page)
    assert not left, (f"{page}: the catalogue translates these sentences, but the Chinese page still shows "
                      "their English (a broken role or markup, or a stale build):\n  " + "\n  ".join(left))


def test_chinese_site_speaks_chinese_around_the_pages():
    """The theme's words come from Sphinx's and the themes' own Chinese catalogues, the
    sidebar's part captions from the root page's catalogue, the search box's from
    book/_ext/language_switch.py."""
    page = (ZH_SITE / "book" / "chapters" / "03_rnn_forward.html").read_text(encoding="utf-8")
    for words in ("上一页", "下一页", "搜索", "下载源文件", 'placeholder="搜索本书……"', "最后更新于"):
        assert words in page, f"the Chinese chapter page lacks the theme's {words!r}"
    root = read_catalogue("book/intro")
    captions = re.findall(r'<p aria-level="2" class="caption" role="heading"><span class="caption-text">([^<]*)</span>',
                          page)
    assert captions and all(HAN.search(c) for c in captions), f"sidebar captions not in Chinese: {captions}"
    assert root.get("Appendix") and root.get("Appendix").string in captions, captions


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("book/chapters/")])
def test_chinese_chapter_links_glossary_terms_by_their_chinese_names(page):
    """book/_ext/glossary_links.py finds the terms in Chinese text too on the Chinese site."""
    built = (ZH_SITE / f"{page}.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="glossary-term[^"]*"[^>]*>([^<]*)</a>', built)
    assert any(HAN.search(text) for text in links), f"{page}: no glossary link on a Chinese name: {links}"
