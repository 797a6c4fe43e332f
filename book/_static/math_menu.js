// MathJax's right-click menu (Show Math As TeX or MathML, zoom, speech and
// other accessibility settings) weighs 426 kB, more than a third of MathJax,
// and few readers open it; it is loaded on the first right-click (or long
// press) on an equation instead of with every page (_config.yml loads MathJax
// without it), and that click then opens it. Equations stay out of the tab order.
document.addEventListener("contextmenu", async event => {
  const box = event.target instanceof Element && event.target.closest("mjx-container");
  if (!box || !window.MathJax || !MathJax.loader || MathJax.startup.document.menu) return;
  event.preventDefault();
  event.stopPropagation();
  await MathJax.loader.load("ui/menu");
  const document_ = MathJax.startup.document;
  const {Menu} = MathJax._.ui.menu.Menu;
  document_.menu = new Menu(document_, {settings: {inTabOrder: false}});
  for (const item of document_.math) {
    if (item.typesetRoot) document_.menu.addMenu(item);
  }
  const {clientX, clientY, screenX, screenY} = event;
  box.dispatchEvent(new MouseEvent("contextmenu", {bubbles: true, cancelable: true, clientX, clientY, screenX, screenY}));
});
