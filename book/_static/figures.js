// A figure opens full screen on a tap, a click, Enter or Space: on a phone a
// wide figure is otherwise shrunk to the column. The viewer is a <dialog>; it
// scrolls sideways (the figure keeps at least 36rem) and pinch-zooms; the
// Close button, Escape or a tap outside the figure closes it, and the focus
// goes back to the figure. tests/test_website.py opens one at 390 px.
//
// Below 992 px, an SVG figure is never shrunk so far that its smallest label is
// under 9 CSS px (on a phone, a wide figure would otherwise be scaled to a third): it keeps
// the width at which that label is 9 px and its output area scrolls sideways.
const MIN_LABEL_PX = 9;

async function keepLabelsLegible(figure) {
  const svg = new DOMParser().parseFromString(await (await fetch(figure.src)).text(), "image/svg+xml");
  const root = svg.documentElement;
  const viewBox = (root.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
  const units = viewBox.length === 4 ? viewBox[2] : parseFloat(root.getAttribute("width"));
  const sizes = [...svg.querySelectorAll("text, tspan")].map(text => {
    const own = (text.getAttribute("style") || "").match(/font(?:-size)?:\s*(?:[a-z-]+\s+)*([\d.]+)px/);
    return own ? parseFloat(own[1]) : parseFloat(text.getAttribute("font-size"));
  }).filter(size => size > 0);
  if (!units || !sizes.length) return;
  const width = Math.ceil(MIN_LABEL_PX / Math.min(...sizes) * units);
  figure.style.minWidth = `${width}px`;
  figure.dataset.minLabelUnits = Math.min(...sizes);
  figure.dataset.viewBoxWidth = units;
  const area = figure.parentElement;
  if (area) area.classList.add("figure-scrolls");
}

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
    large.style.minWidth = figure.style.minWidth;
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
    if (/\.svg(\?|$)/.test(figure.src) && matchMedia("(max-width: 991.98px)").matches) {
      keepLabelsLegible(figure).catch(() => {});
    }
    figure.addEventListener("keydown", event => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(figure); }
    });
  }
});
