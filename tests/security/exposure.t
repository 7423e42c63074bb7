#!/bin/bash
# Nothing in www/ or conf/ lets a web server hand out the database or the
# logs.  The web root is a copy of www/ into which a careless operator
# has dropped a database, its -wal/-shm/-journal, an .sqlite copy and log
# files; nginx (conf/nginx snippet) and Apache in all three ways (the
# mod_proxy_fcgi and mod_fcgid vhost snippets, conf/apache/htaccess on
# shared hosting) must refuse every one of them, however the name is
# spelled, and none may reach the real database or the logs outside the
# web root by traversal.  www/ and conf/ themselves hold no such file.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack apache2
db=$TEST_TMP/data/ticks.db
mkdir -p "$TEST_TMP/data"
# The app runs as nobody under Apache: a WAL reader must be able to create
# the -shm beside the database (docs/security.md).
[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$TEST_TMP/data"

is "$(cd "$ROOT" && find www conf \( -iname '*.db' -o -iname '*.db-*' -o \
    -iname '*.sqlite*' -o -iname '*.log' \) | wc -l)" 0 \
    "www/ and conf/ hold no database or log file"

faults_feed "$TEST_TMP/feed.csv" 100 2
"$INGEST" -q --db "$db" "$TEST_TMP/feed.csv"
ok $? "the real database, outside the web root"

STACK_WWW=$TEST_TMP/www
cp -R "$ROOT/www" "$STACK_WWW"
MARK=tickfeed-secret-log-line
for f in ticks.db ticks.db-wal ticks.db-shm ticks.db-journal ticks.sqlite \
    ticks.sqlite3 Ticks.DB; do
	cp "$db" "$STACK_WWW/$f"
done
for f in tickfeed.log error.log access.log ingest.LOG; do
	echo "$MARK" >"$STACK_WWW/$f"
done
echo "$MARK" >"$STACK_DIR.log" 2>/dev/null || true
chmod -R a+rX "$STACK_WWW"

PLANTED="/ticks.db /ticks.db-wal /ticks.db-shm /ticks.db-journal /ticks.sqlite
/ticks.sqlite3 /Ticks.DB /tickfeed.log /error.log /access.log /ingest.LOG
/%74icks.db /ticks%2edb /js/../ticks.db /css/..%2fticks.db /ticks.db? /ticks.db?x=1
/./ticks.db //ticks.db /ticks.db%00.html /ticks.db/ /tickfeed.log?download"
TRAVERSAL="/../data/ticks.db /%2e%2e/data/ticks.db /..%2fdata%2fticks.db
/api/v1/../../data/ticks.db /js/../../data/ticks.db /../stack/app.log
/%2e%2e/stack/app.log /api/v1/..%2f..%2fstack%2fapp.log /../stack.log"

# refused LABEL URL PATHS: every path is a 4xx that shows nothing secret.
refused() {
	local label=$1 url=$2 p st n=0 total=0
	for p in $3; do
		st=$(curl -s --path-as-is -o "$TEST_TMP/body" -w '%{http_code}' \
		    "$url$p")
		total=$((total + 1))
		if [[ $st == 4?? ]] && ! grep -q -e 'SQLite format 3' -e "$MARK" \
		    "$TEST_TMP/body"; then
			n=$((n + 1))
		else
			diag "$label: $p -> $st"
		fi
	done
	is "$n" "$total" "$label: $total requests, all refused"
}

stack_start_app "$db" >/dev/null
ok $? "app started"
echo "$MARK" >>"$STACK_DIR/app.log"
stack_start_nginx >/dev/null
ok $? "nginx started"
like "$(curl -s "$STACK_URL/")" "<html" "nginx: the page is served"
refused "nginx: planted files" "$STACK_URL" "$PLANTED"
refused "nginx: traversal" "$STACK_URL" "$TRAVERSAL"

for mode in proxy_fcgi fcgid cgi; do
	stack_start_apache "$mode" "$db" >/dev/null
	ok $? "apache-$mode started"
	like "$(curl -s "$STACK_URL/")" "<html" "apache-$mode: the page is served"
	refused "apache-$mode: planted files" "$STACK_URL" "$PLANTED"
	refused "apache-$mode: traversal" "$STACK_URL" "$TRAVERSAL"
	like "$(curl -s "$STACK_URL/api/v1/health")" '^\{"status":"ok"' \
	    "apache-$mode: the API still answers"
done
done_testing
