"""Print the whole book to one PDF, offline, with the Chromium the browser tests use.

Sphinx's single-page HTML build (`jupyter-book build . --builder singlehtml
--path-output _build/whole-book`, run by `make pdf`) puts every chapter, numbered, on one page; this script
opens it in headless Chromium from a localhost server, waits until MathJax
has typeset every equation and every image has loaded, and prints it in the
light theme with the page's own print style (book/_static/print.css), A4.
The PDF lands in the website (_build/html/recurrent-sequence-models.pdf),
where the book's first page links to it. The Chinese book is printed the same
way from its own single-page build (`scripts/build_book.py --language zh_CN
--builder singlehtml`, into _build/whole-book-zh) to
_build/html/zh/recurrent-sequence-models.pdf, which the Chinese first page links.

    .venv/bin/python scripts/print_book.py [--single _build/whole-book/_build/singlehtml] [--out PATH]
"""
import argparse
import base64
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import website_reader  # noqa: E402  (serves a folder and opens the tests' Chromium)

PDF_NAME = "recurrent-sequence-models.pdf"

READY_JS = r"""
const done = arguments[arguments.length - 1];
(async () => {
  document.documentElement.dataset.theme = "light";
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(resolve => {
    img.addEventListener("load", resolve); img.addEventListener("error", resolve); })));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  await document.fonts.ready;
  done({equations: document.querySelectorAll("mjx-container").length,
        untypeset: document.querySelectorAll(".math:not(:has(mjx-container))").length});
})().catch(error => done({error: String(error)}));
"""


def print_book(single_dir, out):
    if not website_reader.CHROMIUM.exists():
        print(f"print_book: {website_reader.CHROMIUM} is missing, no PDF of the book "
              "(scripts/install_system_packages.sh installs Chromium)", file=sys.stderr)
        return
    built = single_dir / "book" / "intro.html"
    if not built.is_file():
        sys.exit(f"print_book: no single-page build at {built}; "
                 "run `jupyter-book build . --builder singlehtml` first (make pdf does)")
    # Sphinx writes the page's links relative to the build's root, where Jupyter
    # Book does not put it: a copy at the root reads them right.
    page = "whole-book.html"
    (single_dir / page).write_text(built.read_text(encoding="utf-8"), encoding="utf-8")
    with website_reader.serve_site(single_dir) as url, website_reader.open_browser() as driver:
        driver.set_script_timeout(300)
        driver.get(url + page)
        state = driver.execute_async_script(READY_JS)
        if "error" in state or state["untypeset"]:
            sys.exit(f"print_book: the book did not typeset: {state}")
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {
            "printBackground": False, "preferCSSPageSize": False, "paperWidth": 8.27, "paperHeight": 11.69,
            "marginTop": 0.6, "marginBottom": 0.6, "marginLeft": 0.6, "marginRight": 0.6,
            "displayHeaderFooter": True, "headerTemplate": "<span></span>",
            "footerTemplate": '<div style="font-size:8px;width:100%;text-align:center">'
                              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(pdf["data"]))
    print(f"print_book: {out} ({out.stat().st_size:,} bytes, {state['equations']} equations)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=Path, default=REPO / "_build" / "whole-book" / "_build" / "singlehtml")
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "html" / PDF_NAME)
    args = parser.parse_args()
    print_book(args.single, args.out)


if __name__ == "__main__":
    main()
