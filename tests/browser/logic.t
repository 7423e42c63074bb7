#!/bin/bash
# The chart page's pure logic (www/js/{format,bars,api,feed}.js) under node.
# Browsers give JSON.parse's reviver the number's source text (ES2025); node
# 20 does behind a flag, so the decimal counting runs as in the browser.
. "$(dirname "$0")/../lib.sh"
command -v node >/dev/null || skip_all "node is not installed"
flag=--harmony-json-parse-with-source
node "$flag" -e 0 2>/dev/null || flag=
exec node $flag "$ROOT/tests/browser/logic.mjs"
