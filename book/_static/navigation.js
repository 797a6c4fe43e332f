// Make every sidebar toggle work. pydata-sphinx-theme 0.17 puts a pair of
// .primary-toggle / .secondary-toggle buttons in its (hidden) site header,
// sphinx-book-theme puts the visible pair in the article header, and both
// themes bind their click handlers to the first button of each class only
// (document.querySelector), i.e. to the hidden one. A click on any other
// toggle is passed on to that first button, so the themes' own code opens
// the drawer (a <dialog> below 992 px) or folds the sidebar (desktop).
// tests/test_website.py clicks both toggles at phone and desktop width.
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [bound, ...others] = document.querySelectorAll(selector);
    for (const button of others) {
      button.addEventListener("click", event => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    }
  }
});
