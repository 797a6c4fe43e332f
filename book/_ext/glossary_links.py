"""The bilingual glossary as a reader feature.

- Every page links each glossary term where it first uses it (in prose: not in
  headings, code, equations, captions or existing links), to the term's entry.
- book/_static/glossary.js shows a card on hover or keyboard focus with the
  English and Chinese terms and the entry's first sentence; the cards' data
  comes with each page as a JSON <script> written here.
- Chinese text anywhere on the site is marked lang="zh-Hans" (docutils turns a
  "language-zh-Hans" class into the attribute), so screen readers switch voice.
- On the Chinese site (language zh_CN) the terms are also found by their
  Chinese names, and the page is Chinese (<html lang="zh-CN">): there each
  block still in English (a sentence not yet translated, a reference) is
  marked lang="en" instead.
- Chinese terms get readable anchors (glossary.html#term-遗忘门) besides the
  numbered ones Sphinx makes for non-ASCII terms.
"""
import json
import re

from docutils import nodes
from sphinx import addnodes

GLOSSARY_DOC = "book/appendix/glossary"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
HAN = re.compile(r"[\u3400-\u9fff]")
ZH = "language-zh-Hans"
EN = "language-en"
# Text inside these is never linked.
NOT_PROSE = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.reference,
             nodes.title, nodes.caption, nodes.raw, nodes.term, nodes.rubric, nodes.FixedTextElement,
             nodes.target, addnodes.pending_xref, nodes.citation_reference, nodes.footnote_reference)


def first_sentence(definition):
    """The entry's first sentence, with equations as \\( TeX \\) for MathJax to typeset in the card."""
    paragraph = next(definition.findall(nodes.paragraph), None)
    if paragraph is None:
        return ""
    parts = []
    for node in paragraph.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
        if isinstance(node, nodes.math):
            parts.append(f"\\({node.astext()}\\)")
        elif not any(isinstance(p, nodes.math) for p in _ancestors(node)):
            parts.append(str(node))
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    # a sentence ends at ". " outside an equation
    depth, end = 0, len(text)
    for i, ch in enumerate(text):
        if text.startswith("\\(", i):
            depth += 1
        elif text.startswith("\\)", i):
            depth -= 1
        elif depth == 0 and (ch in ".;" and text[i + 1:i + 2] in (" ", "") or ch in "。；"):
            end = i + 1
            break
    return text[:end]


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def read_glossary(env):
    """[{"id", "en": [...], "zh": [...], "definition"}] from the glossary page."""
    if GLOSSARY_DOC not in env.all_docs:
        return []
    doctree = env.get_doctree(GLOSSARY_DOC)
    entries = []
    for item in doctree.findall(nodes.definition_list_item):
        terms = [t for t in item.children if isinstance(t, nodes.term)]
        definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
        if not terms or definition is None:
            continue
        names = [t.astext() for t in terms]
        english = [n for n in names if not HAN.search(n)]
        entries.append({"id": terms[0]["ids"][0] if terms[0]["ids"] else "",
                        "en": english, "zh": [n for n in names if HAN.search(n)],
                        "definition": first_sentence(definition)})
    return entries


def name_pattern(entries, chinese=False):
    """English names as whole words (plurals too); with `chinese`, also the Chinese names
    of two characters or more anywhere (Chinese has no spaces; the longest name wins)."""
    def alternatives(names):
        return "|".join(re.escape(n).replace(r"\ ", r"\s+").replace("\\-", "[-‐–]")
                        for n in sorted(names, key=len, reverse=True))
    english = {n for e in entries for n in e["en"] if len(n) > 2}
    han = {n for e in entries for n in e["zh"] if len(HAN.findall(n)) > 1} if chinese else set()
    if not english:
        return None
    pattern = rf"(?<![\w-])({alternatives(english)})(?:s|es)?(?![\w-])"
    if han:
        pattern += rf"|({alternatives(han)})"
    return re.compile(pattern, re.IGNORECASE)


def is_chinese_site(app):
    return (app.config.language or "en").startswith("zh")


def is_prose(text_node):
    return not any(isinstance(a, NOT_PROSE) for a in _ancestors(text_node)) and any(
        isinstance(a, (nodes.paragraph, nodes.list_item)) for a in _ancestors(text_node))


def link_first_uses(app, doctree, docname, entries):
    pattern = name_pattern(entries, chinese=is_chinese_site(app))
    if pattern is None:
        return {}
    by_name = {n.lower(): e for e in entries for n in e["en"] + e["zh"]}
    target = app.builder.get_relative_uri(docname, GLOSSARY_DOC)
    linked = {}
    for text_node in list(doctree.findall(nodes.Text)):
        if not is_prose(text_node):
            continue
        text, pieces, last = str(text_node), [], 0
        for match in pattern.finditer(text):
            name = match.group(1) or match.group(2)
            entry = by_name.get(re.sub(r"\s+", " ", name).lower().replace("‐", "-").replace("–", "-"))
            if entry is None or entry["id"] in linked:
                continue
            linked[entry["id"]] = entry
            pieces.append(nodes.Text(text[last:match.start()]))
            pieces.append(nodes.reference("", match.group(0), internal=True,
                                          refuri=f"{target}#{entry['id']}", classes=["glossary-term"]))
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(text[last:]))
            text_node.parent.replace(text_node, [p for p in pieces if not (isinstance(p, nodes.Text) and not str(p))])
    return linked


def mark_chinese(doctree):
    """Wrap runs of Chinese text in an inline node the HTML writer gives lang="zh-Hans"."""
    for text_node in list(doctree.findall(nodes.Text)):
        parent = text_node.parent
        if parent is None or isinstance(parent, (nodes.literal_block, nodes.math, nodes.math_block, nodes.raw)) \
                or ZH in parent.get("classes", []) or not HAN.search(str(text_node)):
            continue
        text, pieces, last = str(text_node), [], 0
        for match in CJK.finditer(text):
            if not HAN.search(match.group(0)):
                continue
            pieces += [nodes.Text(text[last:match.start()]), nodes.inline("", match.group(0), classes=[ZH])]
            last = match.end()
        pieces.append(nodes.Text(text[last:]))
        parent.replace(text_node, [p for p in pieces if not (isinstance(p, nodes.Text) and not str(p))])


# blocks that are English as a whole when none of their text is Chinese
BLOCKS = (nodes.paragraph, nodes.title, nodes.caption, nodes.rubric, nodes.term, nodes.list_item, nodes.entry)
NOT_TEXT = (nodes.math, nodes.math_block, nodes.literal, nodes.literal_block, nodes.raw, nodes.FixedTextElement)


def mark_english(doctree):
    """On the Chinese site: give each block with English words and no Chinese lang="en"."""
    for block in doctree.findall(lambda n: isinstance(n, BLOCKS)):
        words = [str(t) for t in block.findall(nodes.Text)
                 if not any(isinstance(a, NOT_TEXT) for a in _ancestors(t))]
        text = "".join(words)
        if re.search(r"[A-Za-z]{2,}", text) and not HAN.search(text) and EN not in block["classes"]:
            block["classes"].append(EN)


def readable_chinese_anchors(doctree):
    for term in doctree.findall(nodes.term):
        name = term.astext()
        if HAN.search(name) and term["ids"]:
            readable = "term-" + re.sub(r"\s+", "-", name.strip())
            if readable not in term["ids"]:
                term["ids"].append(readable)


def on_doctree_resolved(app, doctree, docname):
    entries = getattr(app.env, "glossary_entries", None)
    if entries is None:
        entries = app.env.glossary_entries = read_glossary(app.env)
    if docname == GLOSSARY_DOC:
        readable_chinese_anchors(doctree)
        linked = {}
    else:
        linked = link_first_uses(app, doctree, docname, entries)
    if is_chinese_site(app):
        mark_english(doctree)
    else:
        mark_chinese(doctree)
    if linked:
        cards = {e["id"]: {"en": e["en"][0] if e["en"] else "", "zh": e["zh"], "definition": e["definition"]}
                 for e in linked.values()}
        payload = json.dumps(cards, ensure_ascii=False).replace("</", "<\\/")
        doctree.append(nodes.raw("", f'<script type="application/json" id="glossary-cards">{payload}</script>',
                                 format="html"))


def forget_entries(app, env, docnames):
    env.glossary_entries = None


def setup(app):
    app.connect("env-before-read-docs", forget_entries)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.add_js_file("glossary.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
