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
