// The search page: readable result snippets, and Chinese terms found by their parts.
// Loaded on every page before Sphinx's searchtools.js (which only defines
// splitQuery when none exists). tests/test_website.py searches in English and Chinese.

// --- Query words -----------------------------------------------------------------
// The index is built with html_search_language "zh": English words are stemmed
// as before, Chinese text is cut into words by jieba (cut_for_search, so
// "梯度消失" is indexed as 梯度 and 消失). The browser has no jieba, so a run of
// Chinese characters in the query is cut the same way by longest match against
// the words in the index: "遗忘门" -> "遗忘" (+ "门", a single character, which
// the index drops as it does every one-character word).
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

function splitChineseRun(run, known) {
  const words = [];
  for (let start = 0; start < run.length;) {
    let end = run.length;
    while (end > start + 1 && !known(run.slice(start, end))) end -= 1;
    const word = run.slice(start, end);
    if (word.length > 1 || known(word)) words.push(word);
    start = end;
  }
  return words.length ? words : [run];
}

var splitQuery = (query) => {
  const terms = (typeof Search !== "undefined" && Search._index) ? Search._index.terms : {};
  // a word the index lists for at least one page (an incremental build can
  // leave a word behind with no page)
  const known = word => Object.prototype.hasOwnProperty.call(terms, word)
    && (typeof terms[word] === "number" || terms[word].length > 0);
  return query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter(term => term)
    .flatMap(term => {
      const parts = [];
      let last = 0;
      for (const match of term.matchAll(CJK_RUN)) {
        if (match.index > last) parts.push(term.slice(last, match.index));
        parts.push(...(known(match[0]) ? [match[0]] : splitChineseRun(match[0], known)));
        last = match.index + match[0].length;
      }
      if (last < term.length) parts.push(term.slice(last));
      return parts;
    });
};

// --- Snippets --------------------------------------------------------------------
// Sphinx takes a result's snippet from the page's [role=main], which in this
// theme also holds the download menu, the page's table of contents and the
// previous/next links, and its equations are still TeX source there (MathJax
// typesets them in the browser). Take the article only, and write its
// equations as plain symbols.
const TEX_SYMBOLS = {
  langle: "⟨", rangle: "⟩", cdot: "·", cdots: "⋯", ldots: "…", dots: "…", times: "×",
  odot: "⊙", circ: "∘", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠",
  approx: "≈", to: "→", rightarrow: "→", leftarrow: "←", infty: "∞", partial: "∂",
  sum: "∑", prod: "∏", in: "∈", mid: "∣", sqrt: "√", nabla: "∇", lVert: "‖", rVert: "‖", Vert: "‖",
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η",
  theta: "θ", lambda: "λ", mu: "μ", pi: "π", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ",
  omega: "ω", Gamma: "Γ", Delta: "Δ", Sigma: "Σ", Theta: "Θ", Phi: "Φ", Omega: "Ω",
};
const TEX_WORDS = new Set(["tanh", "log", "exp", "max", "min", "softmax", "diag", "sigmoid", "arg"]);

function texToText(tex) {
  return tex
    .replace(/^\s*(\\\(|\\\[|\$\$?)|(\\\)|\\\]|\$\$?)\s*$/g, "")
    .replace(/\\(?:begin|end)\{[a-z*]+\}/g, " ")
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
    .replace(/\\(?:text|mathrm|operatorname|mathbf|boldsymbol|mathcal)\{([^{}]*)\}/g, "$1")
    .replace(/\\([A-Za-z]+)/g, (_, name) =>
      TEX_SYMBOLS[name] || (TEX_WORDS.has(name) ? ` ${name} ` : " "))
    .replace(/\\[,;:! ]|\\\\|&/g, " ")
    .replace(/[{}^_]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

const NOT_CONTENT = [".headerlink", "script", "style", "nav", "button", ".bd-header-article",
                     "#jb-print-docs-body", ".prev-next-area", "footer", "mjx-assistive-mml"];

function articleText(htmlString, anchor) {
  const page = new DOMParser().parseFromString(htmlString, "text/html");
  NOT_CONTENT.forEach(selector => page.querySelectorAll(selector).forEach(el => el.remove()));
  page.querySelectorAll(".math").forEach(el => { el.textContent = ` ${texToText(el.textContent)} `; });
  // block elements end a word ("hidden state隐藏状态" otherwise, in the glossary)
  page.querySelectorAll("p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6").forEach(el => el.append(" "));
  const article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
  if (!article) return "";
  const part = (anchor && article.querySelector(anchor)) || article;
  return part.textContent.replace(/\s+/g, " ").trim();
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search !== "undefined") Search.htmlToText = articleText;
});
