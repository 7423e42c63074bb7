#!/bin/bash
# docs/nginx.md and docs/apache.md as an admin follows them: `make install`
# into a directory standing for /, the docs' config blocks and commands as
# written (tests/http/docs.sh: only paths, port and users change), then
# nginx, Apache mod_proxy_fcgi, mod_fcgid and mod_cgi (.htaccess) each
# checked for: the page from the installed prefix, the API, a database
# and logs dropped into the web root refused, and every error the web
# server answers itself as the API's JSON error, exact (status, headers,
# body), with the app's own errors passing through.  Also: spawn-fcgi's
# line passes the database; tickfeed-site.conf needs exactly its EDIT
# lines changed; `apache2 -D NAME=value` sets no variable; mod_cgi needs
# exactly the documented AllowOverride; mod_fcgid streams at once and
# needs the database's directory writable.
. "$(dirname "$0")/../lib.sh"
test_stack apache2 spawn-fcgi
[ "$(id -u)" -eq 0 ] || skip_all "the docs' commands are root's (users, sockets)"
. "$ROOT/tests/http/docs.sh"
RAW=$ROOT/tests/http/rawhttp.py
ERRDIR=$ROOT/www/tickfeed-error
export PATH=$DOCS_PREFIX/sbin:$DOCS_PREFIX/bin:$PATH

docs_install
ok $? "make install PREFIX=$DOCS_PREFIX"
printf 'symbol,ts,price,size\nAAPL,1704240000000,189.10,100\nMSFT,1704240000500,370.12,5\n' \
    >"$TEST_TMP/a.csv"
tickfeed-ingest --db "$DOCS_DB" init >/dev/null &&
    tickfeed-ingest -q --db "$DOCS_DB" "$TEST_TMP/a.csv" &&
    chmod 0660 "$DOCS_DB"
ok $? "the database, 0660 in its group's directory (docs/deploy.md)"
QUOTE='200 {"cursor":2,"quotes":[{"symbol":"AAPL","id":1,"ts":1704240000000,"price":189.10,"size":100}]}'

# A careless operator's web root: a database, its journals, a copy, logs.
MARK=tickfeed-secret-log-line
echo tickfeed-docs-marker >"$DOCS_WWW/marker.txt"
for f in ticks.db Ticks.DB ticks.db-wal ticks.db-shm ticks.db-journal \
    ticks.sqlite ticks.sqlite3; do
	cp "$DOCS_DB" "$DOCS_WWW/$f"
done
for f in tickfeed.log access.log; do echo "$MARK" >"$DOCS_WWW/$f"; done
chmod -R a+rX "$DOCS_WWW"
PLANTED="/ticks.db /Ticks.DB /ticks.db-wal /ticks.db-shm /ticks.db-journal
/ticks.sqlite /ticks.sqlite3 /tickfeed.log /access.log /%74icks.db /ticks%2edb
/js/../ticks.db /ticks.db? //ticks.db /./Ticks.DB"

# site_checks LABEL: the page from the installed prefix, the API, and
# every planted file refused (a 4xx showing nothing of it).
site_checks() {
	local p st n=0 total=0
	like "$(docs_get /)" '^200 .*<html' "$1: the page"
	is "$(docs_get /marker.txt)" "200 tickfeed-docs-marker" \
	    "$1: served from the installed $DOCS_WWW"
	is "$(docs_get '/api/v1/quotes?symbols=AAPL')" "$QUOTE" "$1: the API"
	for p in $PLANTED; do
		total=$((total + 1))
		st=$(curl -s --path-as-is -o "$TEST_TMP/body" -w '%{http_code}' \
		    "http://127.0.0.1:$DOCS_PORT$p")
		if [[ $st == 4?? ]] && ! grep -q -e 'SQLite format 3' \
		    -e "$MARK" "$TEST_TMP/body"; then
			n=$((n + 1))
		else
			diag "$1: $p -> $st"
		fi
	done
	is "$n" "$total" "$1: the database and logs in the web root refused ($total paths)"
}

# expect TOKEN: rawhttp.py's normalised answer for TOKEN: NNN (the web
# server's error NNN, www/tickfeed-error/NNN.json), NNN:head (its HEAD),
# app404, app400 (the app's own errors for an unknown path, a bad
# symbol: a status the server also answers, passed through), 200-empty.
HDRS="content-type cache-control access-control-allow-origin x-content-type-options allow retry-after"
expect() {
	local st=${1%%:*} body
	case $1 in
	200-empty) printf '200\n\n'; return ;;
	app404) st=404
		body='{"error":{"code":"not_found","message":"no such endpoint; see API.md"}}' ;;
	app400) st=400
		body='{"error":{"code":"bad_value","message":"symbol must be 1..16 of A-Z 0-9 . - _ ^ =, starting with A-Z, 0-9 or ^"}}' ;;
	*) body=$(cat "$ERRDIR/$st.json") ;;
	esac
	[[ $1 == *:head ]] && body=
	printf '%s\ncontent-type: application/json\ncache-control: no-store\n' "$st"
	printf 'access-control-allow-origin: *\nx-content-type-options: nosniff\n'
	[ "$st" = 405 ] && printf 'allow: GET, HEAD, OPTIONS\n'
	[ "$st" = 503 ] && printf 'retry-after: 1\n'
	printf '\n%s' "$body"
}

# NAME | REQUEST (rawhttp.py escapes) | behind nginx | behind Apache
E='\r\nConnection: close\r\n\r\n'
ERROR_CASES="control_byte|GET /api/v1/quotes?symbols=AAPL\\x01 HTTP/1.1\\r\\nHost: t$E|400|400
space_in_target|GET /api/v1/quotes?symbols=A B HTTP/1.1\\r\\nHost: t$E|400|400
uri_too_long|GET /api/v1/quotes?symbols={9000*A} HTTP/1.1\\r\\nHost: t$E|414|414
header_too_large|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nX-Big: {9000*a}$E|431|400
trace|TRACE /api/v1/health HTTP/1.1\\r\\nHost: t$E|405|405
lower_case_method|get /api/v1/health HTTP/1.1\\r\\nHost: t$E|400|405
bad_content_length|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: abc$E|400|400
two_host_headers|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nHost: u$E|400|400
no_host_http11|GET /api/v1/health HTTP/1.1$E|400|400
options_star|OPTIONS * HTTP/1.1\\r\\nHost: t$E|400|200-empty
body_2mb|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 2000000$E{2000000*a}|413|413
body_chunked|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked${E}5\\r\\nhello\\r\\n0\\r\\n\\r\\n|413|413
unknown_transfer_coding|GET /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: gzip$E|501|400
http_2_0_line|GET /api/v1/nope HTTP/2.0\\r\\nHost: t$E|505|app404
bad_expect|GET /api/v1/nope HTTP/1.1\\r\\nHost: t\\r\\nExpect: teapot$E|app404|417
head_two_host_headers|HEAD /api/v1/health HTTP/1.1\\r\\nHost: t\\r\\nHost: u$E|400:head|400:head
unknown_api_path|GET /api/v2/quotes HTTP/1.1\\r\\nHost: t$E|app404|app404
api_path_like_db|GET /api/v1/ticks.db HTTP/1.1\\r\\nHost: t$E|app404|app404
app_bad_value|GET /api/v1/ticks?symbol=aapl HTTP/1.1\\r\\nHost: t$E|app400|app400"

# errors_check LABEL COLUMN: every case, exact (COLUMN 3: nginx, 4: Apache).
errors_check() {
	local name req want
	while IFS= read -r line; do
		name=$(cut -d'|' -f1 <<<"$line")
		req=$(cut -d'|' -f2 <<<"$line")
		want=$(cut -d'|' -f"$2" <<<"$line")
		is "$(python3 "$RAW" "$DOCS_PORT" "$req" $HDRS)" \
		    "$(expect "$want")" "$1: $name -> $want"
	done <<<"$ERROR_CASES"
}

# --- nginx, the app started by hand ------------------------------------
DOCS_PORT=$(stack_free_port)
docs_block docs/nginx.md nginx-site | docs_local "$DOCS_PORT" >"$TEST_TMP/nginx-site.conf"
grep -q "include $DOCS_PREFIX/share/tickfeed/conf/nginx/tickfeed-locations.conf;" \
    "$TEST_TMP/nginx-site.conf"
ok $? "docs/nginx.md: the site block, relocated"
bash -c "$(docs_block docs/nginx.md app-by-hand | docs_local 0)" \
    >"$TEST_TMP/app.log" 2>&1 &
echo $! >"$TEST_TMP/app.pid"
on_exit "stack_kill_pidfile $TEST_TMP/app.pid"
stack_wait_for test -S "$DOCS_RUN/fcgi.sock"
ok $? "docs/nginx.md: the app started by hand"
docs_nginx nginx "$TEST_TMP/nginx-site.conf"
ok $? "nginx started with the docs' site"
NGINX_PORT=$DOCS_PORT
site_checks nginx
errors_check nginx 3
stack_kill_pidfile "$TEST_TMP/app.pid"
is "$(python3 "$RAW" "$DOCS_PORT" "GET /api/v1/health HTTP/1.1\\r\\nHost: t$E" $HDRS)" \
    "$(expect 503)" "nginx: the app down -> 503 unavailable, Retry-After"

# --- the app by the docs' spawn-fcgi line ------------------------------
docs_block docs/nginx.md app-spawn-fcgi | docs_local 0 >"$TEST_TMP/spawn.sh"
bash "$TEST_TMP/spawn.sh" >"$TEST_TMP/spawn.log" 2>&1
ok $? "docs/nginx.md: spawn-fcgi started the app"
on_exit "stack_kill_pidfile $DOCS_RUN/fcgi.pid"
is "$(stat -c '%U %a' "$DOCS_RUN/fcgi.sock")" "www-data 660" \
    "spawn-fcgi: the socket is www-data's, 0660"
is "$(ps -o user= -p "$(cat "$DOCS_RUN/fcgi.pid")")" nobody \
    "spawn-fcgi: the app runs as its own user (tickfeed-web here nobody)"
is "$(docs_get '/api/v1/quotes?symbols=AAPL')" "$QUOTE" \
    "nginx + spawn-fcgi: the API answers from the database the line names"

# --- tickfeed-site.conf: its EDIT lines are all there is to change ------
site=$DOCS_PREFIX/share/tickfeed/conf/nginx/tickfeed-site.conf
is "$(grep -v -e '# EDIT' -e '^#' "$site" | grep -c -e / -e listen)" 0 \
    "tickfeed-site.conf: every line with a path or an address is marked EDIT"
DOCS_PORT=$(stack_free_port)
while IFS= read -r line; do
	if [[ $line == *'# EDIT'* ]]; then
		printf '%s\n' "$line" | docs_local "$DOCS_PORT"
	else
		printf '%s\n' "$line"
	fi
done <"$site" >"$TEST_TMP/site-edited.conf"
docs_nginx nginx-site "$TEST_TMP/site-edited.conf"
ok $? "nginx started with tickfeed-site.conf, its EDIT lines edited"
like "$(docs_get /)" '^200 .*<html' "tickfeed-site.conf: the page"
is "$(docs_get '/api/v1/quotes?symbols=AAPL')" "$QUOTE" "tickfeed-site.conf: the API"

# --- Apache mod_proxy_fcgi ----------------------------------------------
DOCS_PORT=$(stack_free_port)
docs_block docs/apache.md apache-proxy-fcgi | docs_local "$DOCS_PORT" \
    >"$TEST_TMP/proxy-site.conf"
docs_apache apache-proxy event "$TEST_TMP/proxy-site.conf"
ok $? "Apache mod_proxy_fcgi started with the docs' block (and its a2enmod)"
PROXY_PORT=$DOCS_PORT
site_checks apache-proxy_fcgi
errors_check apache-proxy_fcgi 4
stack_kill_pidfile "$DOCS_RUN/fcgi.pid"
is "$(python3 "$RAW" "$DOCS_PORT" "GET /api/v1/health HTTP/1.1\\r\\nHost: t$E" $HDRS)" \
    "$(expect 503)" "apache-proxy_fcgi: the app down -> 503 unavailable, Retry-After"
is "$(python3 "$RAW" "$NGINX_PORT" "GET /api/v1/health HTTP/1.1\\r\\nHost: t$E" $HDRS)" \
    "$(expect 503)" "nginx: the same 503 (one body, www/tickfeed-error/503.json)"
# The stream instead gets what an EventSource retries: 200, an event
# stream holding only `retry:` (a `|` ends the output, to keep its blank
# line), the same from both servers.
STREAM_RETRY=$(printf '200\ncontent-type: text/event-stream\ncache-control: no-store\naccess-control-allow-origin: *\nx-content-type-options: nosniff\n\nretry: 1000\n\n|')
for p in "apache-proxy_fcgi $DOCS_PORT" "nginx $NGINX_PORT"; do
	is "$(python3 "$RAW" "${p#* }" "GET /api/v1/stream?symbols=AAPL HTTP/1.1\\r\\nHost: t\\r\\nLast-Event-ID: 1$E" \
	    $HDRS; echo '|')" "$STREAM_RETRY" "${p% *}: the app down -> the stream's 200 retry: answer"
done
# The app's own 503 (here: no database) passes both servers unchanged.
tickfeed.fcgi -d "$DOCS_DATA/missing.db" -l "unix:$DOCS_RUN/fcgi.sock" \
    >>"$TEST_TMP/app.log" 2>&1 &
echo $! >"$TEST_TMP/app.pid"
stack_wait_for test -S "$DOCS_RUN/fcgi.sock"
MISSING='503 {"error":{"code":"db_missing","message":"database No such file or directory (create it with: tickfeed-ingest --db PATH init)"}}'
is "$(docs_get /api/v1/health)" "$MISSING" "apache-proxy_fcgi: the app's own 503 passes unchanged"
is "$(DOCS_PORT=$NGINX_PORT docs_get /api/v1/health)" "$MISSING" \
    "nginx: the app's own 503 passes unchanged"
is "$(docs_get '/api/v1/stream?symbols=AAPL')" "$MISSING" \
    "apache-proxy_fcgi: the app's own 503 to a stream passes unchanged"
is "$(DOCS_PORT=$NGINX_PORT docs_get '/api/v1/stream?symbols=AAPL')" "$MISSING" \
    "nginx: the app's own 503 to a stream passes unchanged"
stack_kill_pidfile "$TEST_TMP/app.pid"

# TICKFEED_CORS_ORIGIN: the origin of the errors Apache answers itself.
DOCS_PORT=$(stack_free_port)
{ echo "Define TICKFEED_CORS_ORIGIN https://charts.example.org"
  docs_block docs/apache.md apache-proxy-fcgi | docs_local "$DOCS_PORT"; } \
    >"$TEST_TMP/proxy-cors-site.conf"
docs_apache apache-proxy-cors event "$TEST_TMP/proxy-cors-site.conf"
ok $? "Apache mod_proxy_fcgi started with Define TICKFEED_CORS_ORIGIN"
is "$(python3 "$RAW" "$DOCS_PORT" "TRACE / HTTP/1.1\\r\\nHost: t$E" \
    access-control-allow-origin)" "405
access-control-allow-origin: https://charts.example.org

$(cat "$ERRDIR/405.json")" "Define TICKFEED_CORS_ORIGIN: the origin of Apache's own errors"

# `apache2 -D NAME=value` defines a parameter named "NAME=value" and no
# variable (the snippets' comments say so); Define sets it.
d=$TEST_TMP/apache-proxy
grep -v 'Define TICKFEED_WWW' "$d/site.conf" >"$d/site-nowww.conf"
sed "s#Include $d/site.conf#Include $d/site-nowww.conf#" "$d/httpd.conf" \
    >"$d/httpd-nowww.conf"
dump=$(apache2 -f "$d/httpd-nowww.conf" -D TICKFEED_WWW=/srv/elsewhere -t \
    -D DUMP_RUN_CFG 2>/dev/null | grep '^Define: TICKFEED_WWW')
is "$dump" "Define: TICKFEED_WWW=/srv/elsewhere
Define: TICKFEED_WWW=/usr/local/share/tickfeed/www" \
    "apache2 -D TICKFEED_WWW=/srv/elsewhere: a parameter of that name; the variable keeps its default"
is "$(apache2 -f "$d/httpd.conf" -t -D DUMP_RUN_CFG 2>/dev/null |
    grep '^Define: TICKFEED_WWW')" "Define: TICKFEED_WWW=$DOCS_WWW" \
    "Define TICKFEED_WWW (the docs' block) sets it"

# --- Apache mod_fcgid ---------------------------------------------------
DOCS_PORT=$(stack_free_port)
docs_block docs/apache.md apache-fcgid | docs_local "$DOCS_PORT" \
    >"$TEST_TMP/fcgid-site.conf"
# Apache's user may read the database but not write its directory: the
# app cannot create the WAL's -shm (none is left once the ingest tool, the
# last to close the database, has run).  Then as docs/apache.md says.
chmod 2750 "$DOCS_DATA"
tickfeed-ingest -q --db "$DOCS_DB" "$TEST_TMP/a.csv"
is "$(ls "$DOCS_DATA")" ticks.db "no -wal or -shm after the ingest tool"
docs_apache apache-fcgid event "$TEST_TMP/fcgid-site.conf"
ok $? "Apache mod_fcgid started with the docs' block (and its a2enmod)"
like "$(docs_get /api/v1/health)" '^503 \{"error":\{"code":"db_unreadable"' \
    "mod_fcgid, database directory not writable by www-data: 503 db_unreadable"
chmod 2770 "$DOCS_DATA"
site_checks apache-fcgid
errors_check apache-fcgid 4

# The stream through mod_fcgid: the opening block at once, and the event
# of a tick committed while connected within a second of the commit.
python3 "$ROOT/tests/http/sse_read.py" "$DOCS_PORT" \
    '/api/v1/stream?symbols=AAPL' 2 10 >"$TEST_TMP/sse.out" &
sse=$!
t0=$(date +%s%3N)
stack_wait_for grep -q '^retry' "$TEST_TMP/sse.out"
ok $? "mod_fcgid stream: the opening block arrived"
opened=$(sed -n 2p "$TEST_TMP/sse.out" | tr -d @)
[ -n "$opened" ] && [ $((opened - t0)) -lt 1000 ]
ok $? "mod_fcgid stream: opened within 1 s ($((${opened:-0} - t0)) ms)"
printf 'symbol,ts,price,size\nAAPL,1704240001000,189.25,7\n' >"$TEST_TMP/b.csv"
tickfeed-ingest -q --db "$DOCS_DB" "$TEST_TMP/b.csv"
t1=$(date +%s%3N)
wait "$sse"
ok $? "mod_fcgid stream: the event arrived"
is "$(grep -v '^@' "$TEST_TMP/sse.out")" '200 text/event-stream
retry: 2000
id: 2
event: start
data: {"cursor":2,"heartbeat_ms":15000}

id: 3
event: ticks
data: {"cursor":3,"ticks":[{"id":3,"symbol":"AAPL","ts":1704240001000,"price":189.25,"size":7}]}' \
    "mod_fcgid stream: the exact bytes"
evt=$(sed -n '/^id: 3/{x;p;};h' "$TEST_TMP/sse.out" | tr -d @)
[ -n "$evt" ] && [ $((evt - t1)) -lt 1000 ]
ok $? "mod_fcgid stream: the event within 1 s of the commit ($((${evt:-0} - t1)) ms)"
QUOTE='200 {"cursor":3,"quotes":[{"symbol":"AAPL","id":3,"ts":1704240001000,"price":189.25,"size":7}]}'

# --- Apache mod_cgi, shared hosting ---------------------------------------
# The host (prefork, the docs' modules and AllowOverride); the upload as
# docs/apache.md says, with the SetEnv line edited; a second directory
# whose program cannot run; and one directory for each override class,
# allowed all the others: without it every request is a 500.
DOCS_PORT=$(stack_free_port)
docs_block docs/apache.md apache-cgi-host | docs_local "$DOCS_PORT" \
    >"$TEST_TMP/cgi-host.conf"
override=$(sed -n 's/^[[:space:]]*\(AllowOverride .*\)$/\1/p' "$TEST_TMP/cgi-host.conf")
is "$override" "$(sed -n 's/^#[[:space:]]*\(AllowOverride .*\)$/\1/p' \
    "$ROOT/conf/apache/htaccess")" \
    "docs/apache.md and conf/apache/htaccess name the same AllowOverride"
upload() {
	mkdir -p "$1"
	cp -R "$DOCS_WWW/." "$1/"
	cp "$DOCS_PREFIX/sbin/tickfeed.fcgi" "$1/tickfeed.fcgi"
	sed "s|^# SetEnv TICKFEED_DB .*|SetEnv TICKFEED_DB $DOCS_DB|" \
	    "$DOCS_PREFIX/share/tickfeed/conf/apache/htaccess" >"$1/.htaccess"
	chmod -R a+rX "$1"
}
htdocs=$DOCS_ROOT/home/you/public_html
upload "$htdocs"
grep -q "^SetEnv TICKFEED_DB $DOCS_DB\$" "$htdocs/.htaccess"
ok $? "mod_cgi: .htaccess uploaded, its SetEnv TICKFEED_DB line edited"
upload "$htdocs/broken"
printf '#!/bin/sh\nexit 1\n' >"$htdocs/broken/tickfeed.fcgi"
{
	cat "$TEST_TMP/cgi-host.conf"
	echo "<Directory $DOCS_ROOT/home/you>"
	echo "    Options Indexes FollowSymLinks"
	echo "    Require all granted"
	echo "</Directory>"
	echo "<VirtualHost 127.0.0.1:$DOCS_PORT>"
	echo "    DocumentRoot $htdocs"
	echo "</VirtualHost>"
	for class in ${override#AllowOverride }; do
		p=$(stack_free_port)
		upload "$DOCS_ROOT/home/you/without-${class%%=*}"
		echo "Listen 127.0.0.1:$p"
		echo "<VirtualHost 127.0.0.1:$p>"
		echo "    DocumentRoot $DOCS_ROOT/home/you/without-${class%%=*}"
		echo "</VirtualHost>"
		echo "<Directory $DOCS_ROOT/home/you/without-${class%%=*}>"
		echo "    ${override/ $class/}"
		echo "</Directory>"
		echo "$class $p" >>"$TEST_TMP/without.ports"
	done
} >"$TEST_TMP/cgi-site.conf"
docs_apache apache-cgi prefork "$TEST_TMP/cgi-site.conf"
ok $? "Apache mod_cgi (prefork) started as the docs' host"
site_checks apache-cgi
is "$(python3 "$RAW" "$DOCS_PORT" "GET /broken/api/v1/health HTTP/1.1\\r\\nHost: t$E" $HDRS)" \
    "$(expect 500)" "apache-cgi: a program that cannot run -> 500 internal_error, JSON"
while read -r class p; do
	is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/") $(curl -s \
	    -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/api/v1/health")" "500 500" \
	    "apache-cgi: AllowOverride without $class -> every request a 500"
done <"$TEST_TMP/without.ports"
done_testing
