#!/bin/bash
# The golden suite over HTTP through real web servers on loopback, each
# configured with the snippets in conf/ as they are: nginx (fastcgi_pass
# to the app's unix socket), Apache mod_proxy_fcgi (same socket), Apache
# mod_fcgid (Apache spawns the app) and Apache mod_cgi (.htaccess, one
# process per request).  Every answer must equal the plain-CGI golden one.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"

test_stack apache2
export TICKFEED_NOW=$GOLDEN_NOW
golden_db "$TEST_TMP/golden.db"
ok $? "fixture database built"

# run_suite LABEL URL: every case against URL.
run_suite() {
	local label=$1 url=$2 name method target header got
	while IFS=$'\t' read -r name method target header; do
		got=$(golden_http "$url" "$method" "$target" "$header")
		is "$got" "$(cat "$ROOT/tests/golden/expected/$name")" \
		    "$label: $name"
	done < <(golden_cases)
}

stack_start_app "$TEST_TMP/golden.db" >/dev/null
ok $? "app listening on a unix socket"
stack_start_nginx >/dev/null
ok $? "nginx started"
url=$STACK_URL
run_suite nginx "$url"
like "$(curl -s "$url/")" "<html" "nginx: the chart page at /"

for mode in proxy_fcgi fcgid cgi; do
	stack_start_apache "$mode" "$TEST_TMP/golden.db" >/dev/null
	ok $? "apache $mode started"
	url=$STACK_URL
	run_suite "apache-$mode" "$url"
	like "$(curl -s "$url/")" "<html" "apache-$mode: the chart page at /"
done
done_testing
