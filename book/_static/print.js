// Print in the light theme even when the reader browses in dark mode: browsers
// leave out background colours when printing, so the dark theme's light text
// (and light code colours) would land on white paper. The reader's choice is
// restored afterwards.
window.addEventListener("beforeprint", () => {
  const root = document.documentElement;
  root.dataset.themeOnScreen = root.dataset.theme;
  root.dataset.theme = "light";
});
window.addEventListener("afterprint", () => {
  const root = document.documentElement;
  if (root.dataset.themeOnScreen) {
    root.dataset.theme = root.dataset.themeOnScreen;
    delete root.dataset.themeOnScreen;
  }
});

// sphinx-book-theme opens a printed page with its own title block, whose <h1>
// has the page title without the chapter number ("The LSTM" for "10. The
// LSTM"); give it the number the page's heading shows.
document.addEventListener("DOMContentLoaded", () => {
  const printedTitle = document.querySelector("#jb-print-docs-body > h1");
  const number = document.querySelector("article.bd-article h1 .section-number");
  if (printedTitle && number && !printedTitle.querySelector(".section-number")) {
    printedTitle.prepend(number.cloneNode(true));
  }
});
