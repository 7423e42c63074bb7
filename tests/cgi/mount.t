#!/bin/bash
# Routing under plain CGI: any mount point before /api/v1/, PATH_INFO
# before REQUEST_URI (Apache's tickfeed.fcgi/api/v1/NAME), and the words
# RFC 3875 4.4 puts in argv for a query without '=' ignored.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"
golden_db "$TEST_TMP/golden.db"
ok $? "fixture database built"

# cgi VAR=VALUE... [-- ARGS]: runs the app once; prints status and body.
cgi() {
	local -a env=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
	[ "${1:-}" = -- ] && { shift; args=("$@"); }
	env -i PATH="$PATH" TICKFEED_DB="$TEST_TMP/golden.db" \
	    TICKFEED_NOW="$GOLDEN_NOW" GATEWAY_INTERFACE=CGI/1.1 \
	    REQUEST_METHOD=GET "${env[@]}" "$BIN/tickfeed.fcgi" "${args[@]}" \
	    </dev/null 2>/dev/null | golden_normalize | sed -n '1p;$p' | tr '\n' ' '
}
health=$(sed -n '$p' "$ROOT/tests/golden/expected/health")
quote='{"cursor":15,"quotes":[{"symbol":"AAPL","id":15,"ts":1704326460000,"price":190.00,"size":1}]}'

is "$(cgi REQUEST_URI=/charts/tickfeed/api/v1/health)" "status: 200 $health" \
    "a mount point before /api/v1/ is ignored"
is "$(cgi REQUEST_URI=/cgi-bin/tickfeed.fcgi/api/v1/nope PATH_INFO=/api/v1/health)" \
    "status: 200 $health" "PATH_INFO wins over REQUEST_URI"
is "$(cgi REQUEST_URI=/api/v1/health PATH_INFO=)" "status: 200 $health" \
    "an empty PATH_INFO falls back to REQUEST_URI"
is "$(cgi 'REQUEST_URI=/x/api/v1/quotes?symbols=AAPL' QUERY_STRING=symbols=AAPL)" \
    "status: 200 $quote" "the query comes from QUERY_STRING"
is "$(cgi REQUEST_URI=/api/v2/health)" \
    'status: 404 {"error":{"code":"not_found","message":"no such endpoint; see API.md"}}' \
    "another API version: 404"
is "$(cgi REQUEST_URI=/api/v1/health QUERY_STRING=-d -- -d /nonexistent)" \
    'status: 400 {"error":{"code":"unknown_param","message":"unknown parameter"}}' \
    "argv under CGI is ignored (no -d from a query)"
is "$(cgi REQUEST_URI=/api/v1/health REQUEST_METHOD=get)" \
    'status: 405 {"error":{"code":"method_not_allowed","message":"only GET, HEAD and OPTIONS"}}' \
    "methods are case-sensitive (RFC 9110 9.1)"
is "$(cgi REQUEST_URI=/api/v1/health REQUEST_METHOD=)" \
    'status: 405 {"error":{"code":"method_not_allowed","message":"only GET, HEAD and OPTIONS"}}' \
    "no method: 405"
is "$(cgi REQUEST_URI=/api/v1/health TICKFEED_DB=/nonexistent/ticks.db)" \
    'status: 503 {"error":{"code":"db_missing","message":"database No such file or directory (create it with: tickfeed-ingest --db PATH init)"}}' \
    "a missing database: 503 saying why, without its path"
done_testing
