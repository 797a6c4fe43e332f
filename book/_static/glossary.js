// A card for each glossary link (a.glossary-term, added by book/_ext/glossary_links.py):
// on hover or keyboard focus it shows the term in English and Chinese and the
// first sentence of its definition, and is tied to the link with
// aria-describedby so a screen reader reads it too. Escape hides it.
// Chinese text the theme writes (the sidebar, the printed title) is marked
// lang="zh-Hans" here; the text of the pages is marked when they are built.
function markChinese(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/[\u3400-\u9fff]/.test(node.textContent)
        && !node.parentElement.closest("[lang='zh-Hans'], script, style, title")) found.push(node);
  }
  for (const node of found) {
    const pieces = node.textContent.split(/([\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+)/);
    node.replaceWith(...pieces.map((piece, i) => {
      if (i % 2 === 0) return piece;
      const span = document.createElement("span");
      span.lang = "zh-Hans";
      span.textContent = piece;
      return span;
    }));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  markChinese(document.body);
  const data = document.getElementById("glossary-cards");
  if (!data) return;
  const cards = JSON.parse(data.textContent);
  const card = document.createElement("div");
  card.id = "glossary-card";
  card.className = "glossary-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.append(card);
  let owner = null;

  function show(link) {
    const entry = cards[decodeURIComponent(new URL(link.href).hash.slice(1))];
    if (!entry) return;
    const english = document.createElement("strong");
    english.textContent = entry.en;
    const chinese = document.createElement("span");
    chinese.lang = "zh-Hans";
    chinese.className = "glossary-card-zh";
    chinese.textContent = entry.zh.join(" · ");
    const definition = document.createElement("p");
    definition.textContent = entry.definition;
    card.replaceChildren(english, " ", chinese, definition);
    card.hidden = false;
    const box = link.getBoundingClientRect();
    const width = Math.min(352, document.documentElement.clientWidth - 16);
    card.style.width = `${width}px`;
    card.style.left = `${Math.max(8, Math.min(box.left + scrollX, scrollX + document.documentElement.clientWidth - width - 8))}px`;
    card.style.top = `${box.bottom + scrollY + 6}px`;
    link.setAttribute("aria-describedby", card.id);
    owner = link;
    if (window.MathJax && MathJax.typesetPromise) MathJax.typesetPromise([definition]).catch(() => {});
  }

  function hide() {
    card.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  for (const link of document.querySelectorAll("a.glossary-term")) {
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("mouseleave", () => { if (document.activeElement !== link) hide(); });
    link.addEventListener("focus", () => show(link));
    link.addEventListener("blur", hide);
  }
  document.addEventListener("keydown", event => { if (event.key === "Escape") hide(); });
});
