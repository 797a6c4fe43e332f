// A figure opens full screen on a tap, a click, Enter or Space: on a phone a
// wide figure is otherwise shrunk to the column. The viewer is a <dialog>; it
// scrolls sideways (the figure keeps at least 36rem) and pinch-zooms; the
// Close button, Escape or a tap outside the figure closes it, and the focus
// goes back to the figure. tests/test_website.py opens one at 390 px.
document.addEventListener("DOMContentLoaded", () => {
  const figures = document.querySelectorAll(
    "article.bd-article div.cell_output img, article.bd-article figure img");
  if (!figures.length) return;
  const viewer = document.createElement("dialog");
  viewer.className = "figure-viewer";
  viewer.setAttribute("aria-label", "Figure, full screen");
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close ✕";
  close.addEventListener("click", () => viewer.close());
  viewer.addEventListener("click", event => { if (event.target === viewer) viewer.close(); });
  document.body.append(viewer);
  let opener = null;
  viewer.addEventListener("close", () => { if (opener) opener.focus(); });

  const open = figure => {
    const large = figure.cloneNode(false);
    large.removeAttribute("tabindex");
    large.removeAttribute("role");
    large.className = "";
    large.removeAttribute("width");
    large.removeAttribute("height");
    large.removeAttribute("style");
    viewer.replaceChildren(close, large);
    opener = figure;
    viewer.showModal();
    close.focus();
  };
  for (const figure of figures) {
    figure.classList.add("enlargeable");
    figure.tabIndex = 0;
    figure.setAttribute("role", "button");
    figure.setAttribute("aria-haspopup", "dialog");
    figure.title = "Open the figure full screen";
    figure.addEventListener("click", () => open(figure));
    figure.addEventListener("keydown", event => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(figure); }
    });
  }
});
