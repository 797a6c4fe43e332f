"""Bytes a reader downloads on a first visit to each page of the built site.

Every page listed in _toc.yml is opened in headless Chromium (the browser of
tests/test_website.py) with an empty cache, and the bytes of every response
it fetched are summed once MathJax has typeset the page and its fonts and
images have loaded: the HTML, style sheets, scripts, fonts, images, MathJax
and the files MathJax fetches on demand. Run it after `make book`:

    .venv/bin/python benchmarks/page_weight.py            # a table of every page
    .venv/bin/python benchmarks/page_weight.py --top 8    # plus each page's largest files

Sizes are the bytes on the wire from a plain static file server (no gzip),
as a reader of a site without compression, or of the files opened from
disk, gets them.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import website_reader  # noqa: E402

WEIGHT_JS = r"""
const done = arguments[arguments.length - 1];
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  await new Promise(resolve => setTimeout(resolve, 300));
  const entries = [performance.getEntriesByType("navigation")[0],
                   ...performance.getEntriesByType("resource")];
  done(entries.map(e => [e.name, e.encodedBodySize || e.transferSize || 0]));
})();
"""


def weigh(driver, url):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    driver.get(url)
    return driver.execute_async_script(WEIGHT_JS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=0, help="also list each page's N largest files")
    args = parser.parse_args()
    with website_reader.serve_site() as site_url, website_reader.open_browser() as driver:
        print("| page | files | bytes |\n|---|---:|---:|")
        details = []
        for docname in website_reader.PAGES:
            files = weigh(driver, f"{site_url}{docname}.html")
            print(f"| {docname} | {len(files)} | {sum(size for _, size in files):,} |")
            details.append((docname, sorted(files, key=lambda f: -f[1])[:args.top]))
        for docname, largest in details if args.top else []:
            print(f"\n{docname}:")
            for name, size in largest:
                print(f"  {size:>10,}  {name.removeprefix(site_url)}")


if __name__ == "__main__":
    main()
