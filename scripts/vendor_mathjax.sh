#!/usr/bin/env bash
# Installs the MathJax version pinned in package.json (and package-lock.json)
# into node_modules/, from where book/_ext/vendored_mathjax.py copies it into
# the built site. Serving MathJax ourselves keeps the book readable offline and
# on networks that block CDNs. Run by `make` and `make test` before the book
# build; does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
wanted=$(node -p 'require("./package.json").dependencies.mathjax' 2>/dev/null || true)
have=$(node -p 'require("./node_modules/mathjax/package.json").version' 2>/dev/null || true)
if [ -n "$wanted" ] && [ "$wanted" = "$have" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "vendor_mathjax: npm is not installed; install Node.js and npm, then rerun 'make'" >&2
  exit 1
fi
# npm ci installs exactly what package-lock.json records (version and hash).
npm ci --no-audit --no-fund --loglevel=error
