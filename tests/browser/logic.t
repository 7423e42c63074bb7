#!/bin/bash
# The chart page's pure logic (www/js/{format,bars,api,feed,age,zone,timeaxis,
# indicators,state}.js) under node.
# Browsers give JSON.parse's reviver the number's source text (ES2025); node
# 20 does behind a flag, so the decimal counting runs as in the browser.
. "$(dirname "$0")/../lib.sh"
command -v node >/dev/null || skip_all "node is not installed"
# www/js/*.js are ES modules for the browser; node finds that out itself
# (and would say so on stderr: the repository's package.json sets no type,
# so that other node scripts keep CommonJS).
flags=
for f in --harmony-json-parse-with-source \
    --disable-warning=MODULE_TYPELESS_PACKAGE_JSON; do
	node "$f" -e 0 2>/dev/null && flags="$flags $f"
done
exec node $flags "$ROOT/tests/browser/logic.mjs"
