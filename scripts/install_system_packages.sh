#!/usr/bin/env bash
# Debian packages the test suite uses: PostgreSQL (the concurrent gradebook)
# and Chromium with its driver (the browser tests, the book's PDF) and
# poppler-utils (pdftotext, to read that PDF back in a test) and a font with Chinese
# characters (fonts-noto-cjk: Chromium draws the Chinese site and its PDF with it;
# without one every character is a box). Each test that needs one
# skips with a message when it is missing, so a machine where apt is not
# available still runs everything else.
set -u
wanted=(postgresql chromium chromium-driver poppler-utils fonts-noto-cjk)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install_system_packages: cannot install ${missing[*]} (need root and apt-get); the tests that use them will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || echo "install_system_packages: apt-get install ${missing[*]} failed; the tests that use them will skip" >&2
exit 0
