#!/bin/bash
# HTTPS with HTTP/2 through the real servers, from the conf/ snippets as
# they are: nginx with conf/nginx/tickfeed-site-tls.conf (only its EDIT
# lines edited), Apache with tickfeed-tls.conf and mod_proxy_fcgi, and
# with mod_fcgid.  A CA made here signs the certificate.  On each:
#   - curl trusting only that CA verifies the certificate; TLS 1.1 is
#     refused, 1.2 and 1.3 are spoken; ALPN gives h2
#   - plain HTTP answers 301 to the same path and query on HTTPS
#   - over HTTP/2 a stream gets a tick ingested after it opened within
#     2 s (unbuffered), a long-poll answers with it within 2 s, and ten
#     streams multiplexed on one connection (after eight short requests,
#     as a page load makes) all get the next tick
#   - Chromium: eight tabs of the page on one host, every tab's stream
#     live over h2 and receiving the next tick (tests/http/tabs.mjs); on
#     nginx also the control: HTTP/2 switched off, at most six get live
. "$(dirname "$0")/../lib.sh"
test_stack apache2 openssl
. "$ROOT/tests/http/tls_lib.sh"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"
chmod 711 "$TEST_TMP"

# The database's directory open to all: under mod_fcgid the app runs as
# nobody and creates the -shm file beside it.
mkdir -m 777 "$TEST_TMP/data"
export TICKFEED_DB=$TEST_TMP/data/ticks.db
"$INGEST" --db "$TICKFEED_DB" init >/dev/null 2>&1
n_tick=0
tick() {	# tick: one more TLSA tick, through the ingest tool
	n_tick=$((n_tick + 1))
	printf 'symbol,ts,price,size\nTLSA,%d,%d.25,1\n' \
	    $((1704240000000 + n_tick * 1000)) $((100 + n_tick)) \
	    >"$TEST_TMP/t$n_tick.csv"
	"$INGEST" -q --db "$TICKFEED_DB" "$TEST_TMP/t$n_tick.csv"
}
tick
chmod 666 "$TICKFEED_DB"
tls_ca "$TEST_TMP/tls" tickfeed.test
ok $? "a CA of the test's own signed a certificate for tickfeed.test"
stack_start_app "$TICKFEED_DB" >/dev/null
ok $? "the app starts"

# --- nginx: the example site, its EDIT lines edited ------------------------
ng_http=$(stack_free_port); ng_https=$(stack_free_port)
site=$ROOT/conf/nginx/tickfeed-site-tls.conf
is "$(grep -v -e '# EDIT' -e '^ *#' "$site" | grep -c -e / -e 'listen.*[0-9]')" 0 \
    "tickfeed-site-tls.conf: every line with a path or an address is marked EDIT"
sed -e "s#/usr/local/share/tickfeed/conf/#$ROOT/conf/#" \
    -e "s#/usr/local/share/tickfeed/www#$STACK_WWW#" \
    -e "s#unix:/run/tickfeed/fcgi.sock#unix:$STACK_DIR/app.sock#" \
    -e "s#listen 80;#listen 127.0.0.1:$ng_http;#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$ng_https ssl http2;#" \
    -e "s#charts.example.org\\\$request_uri#tickfeed.test:$ng_https\$request_uri#" \
    -e "s#charts.example.org#tickfeed.test#" \
    -e "s#/etc/ssl/tickfeed/fullchain.pem#$TLS_DIR/cert.pem#" \
    -e "s#/etc/ssl/tickfeed/privkey.pem#$TLS_DIR/key.pem#" \
    "$site" >"$TEST_TMP/site-tls.conf"
tls_nginx nginx-tls "$TEST_TMP/site-tls.conf"
ok $? "nginx starts with tickfeed-site-tls.conf"

# --- Apache: the TLS snippet with each FastCGI way -------------------------
ap_http=$(stack_free_port); ap_https=$(stack_free_port)
tls_apache apache-tls proxy_fcgi "$ap_http" "$ap_https"
ok $? "Apache (mod_proxy_fcgi) starts with tickfeed-tls.conf"
fc_https=$(stack_free_port)
tls_apache apache-fcgid fcgid 0 "$fc_https"
ok $? "Apache (mod_fcgid) starts with tickfeed-tls.conf"

# wait_grep FILE REGEX SECONDS
wait_grep() {
	local i
	for i in $(seq $(($3 * 10))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# check_site LABEL HTTPS_PORT HTTP_PORT
check_site() {
	local label=$1 port=$2 hport=$3 u out i pids=() n
	export TLS_PORT=$port
	u=https://$TLS_NAME:$port
	out=$(tls_curl -o /dev/null -w '%{http_code} %{http_version} %{ssl_verify_result}' \
	    "$u/api/v1/health")
	is "$out" "200 2 0" "$label: the certificate verifies with the CA; h2"
	out=$(curl -s --max-time 10 --resolve "$TLS_NAME:$port:127.0.0.1" \
	    -o /dev/null -w '%{http_code}' "$u/api/v1/health")
	is "$out" "000" "$label: refused by curl without the CA"
	out=$(tls_curl --http1.1 -o /dev/null -w '%{http_version}' "$u/")
	is "$out" "1.1" "$label: HTTP/1.1 still spoken over TLS"
	tls_curl --tls-max 1.1 -o /dev/null "$u/"
	isnt_zero=$?
	[ "$isnt_zero" -ne 0 ]
	ok $? "$label: TLS 1.1 refused (curl exit $isnt_zero)"
	for v in 1.2 1.3; do
		out=$(tls_curl --tlsv$v --tls-max $v -o /dev/null -w '%{http_code}' "$u/")
		is "$out" 200 "$label: TLS $v spoken"
	done
	if [ "$hport" != 0 ]; then
		out=$(curl -s --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' \
		    "http://127.0.0.1:$hport/api/v1/quotes?symbols=TLSA")
		is "$out" "301 https://$TLS_NAME:$port/api/v1/quotes?symbols=TLSA" \
		    "$label: plain HTTP moves to HTTPS, path and query kept"
	fi

	# A stream over h2: the next tick within 2 s of its commit.
	tls_curl --http2 -N --max-time 15 -o "$TEST_TMP/sse-$label" \
	    "$u/api/v1/stream?symbols=TLSA" &
	pids+=($!)
	wait_grep "$TEST_TMP/sse-$label" '^event: start' 5
	ok $? "$label: the stream opened over h2"
	tick
	wait_grep "$TEST_TMP/sse-$label" "^data: .*\"price\":$((100 + n_tick)).25" 2
	ok $? "$label: the stream delivered the next tick within 2 s (not buffered)"

	# A long-poll over h2: answers within 2 s of the commit.
	cursor=$(tls_curl "$u/api/v1/health" | sed 's/.*"cursor":\([0-9]*\).*/\1/')
	tls_curl --http2 -o "$TEST_TMP/poll-$label" -w '%{http_version}' \
	    "$u/api/v1/poll?symbols=TLSA&since=$cursor&timeout=20" \
	    >"$TEST_TMP/poll-$label.v" &
	pids+=($!)
	sleep 1
	tick
	wait_grep "$TEST_TMP/poll-$label" "\"id\":$((cursor + 1))," 2
	ok $? "$label: a waiting long-poll answered with the tick within 2 s"
	wait "${pids[1]}"
	is "$(cat "$TEST_TMP/poll-$label.v")" 2 "$label: the long-poll went over h2"

	# Ten streams multiplexed on one h2 connection, after eight short
	# requests on it as a page load makes (mod_http2 runs six requests
	# of a new connection at a time, and more once some have completed).
	args=()
	for i in $(seq 8); do args+=(-o /dev/null "$u/api/v1/health"); done
	for i in $(seq 10); do
		args+=(-o "$TEST_TMP/mux-$label-$i" "$u/api/v1/stream?symbols=TLSA")
	done
	# mod_http2 starts a connection with six active streams and raises
	# the limit as its streams complete: when curl's ten streams reach it
	# before the eight short requests are done, four wait for a slot that
	# a stream never frees.  So with Apache at least six (nginx: all ten)
	# must open, and every stream that opened must get the next tick.
	# --max-time leaves room for the waits below on a busy machine.
	tls_curl --http2 -N --no-progress-meter --parallel --parallel-max 20 \
	    --max-time 40 -w '%{num_connects}\n' "${args[@]}" >"$TEST_TMP/mux-$label.n" &
	pids+=($!)
	want=10; [ "$label" = nginx ] || want=6
	wait_grep "$TEST_TMP/mux-$label-1" '^event: start' 10
	opened=()
	for i in $(seq 10); do
		wait_grep "$TEST_TMP/mux-$label-$i" '^event: start' 2 && opened+=("$i")
	done
	[ "${#opened[@]}" -ge "$want" ]
	ok $? "$label: ${#opened[@]} of ten streams opened on one h2 connection (at least $want)"
	tick
	n=0
	for i in "${opened[@]}"; do
		wait_grep "$TEST_TMP/mux-$label-$i" "\"price\":$((100 + n_tick)).25" 5 &&
		    n=$((n + 1))
	done
	is "$n" "${#opened[@]}" "$label: every stream that opened got the next tick"
	# The first stream is done with; the ten end by their --max-time.
	kill "${pids[0]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	is "$(sort -n "$TEST_TMP/mux-$label.n" | uniq -c | tr -s ' ' | tr -d '\n')" \
	    " 17 0 1 1" "$label: the eighteen requests shared one connection"
}
check_site nginx "$ng_https" "$ng_http"
check_site apache "$ap_https" "$ap_http"
check_site fcgid "$fc_https" 0

# --- Chromium: eight tabs of the page on one HTTPS host -------------------
# tick, as a program: one more TLSA tick, its time the clock's.
cat >"$TEST_TMP/tick" <<TICK
#!/bin/sh
printf 'symbol,ts,price,size\\nTLSA,%s,77.5,1\\n' "\$(date +%s%3N)" >"$TEST_TMP/tab.csv" &&
exec "$INGEST" -q --db "$TICKFEED_DB" "$TEST_TMP/tab.csv"
TICK
chmod +x "$TEST_TMP/tick"
if [ -x /usr/bin/chromium ] && [ -d "$ROOT/node_modules/playwright-core" ]; then
	for s in "nginx $ng_https 1" "apache $ap_https 0"; do
		set -- $s
		TAP_N=$TAP_N TAP_FAILED=$TAP_FAILED TABS_LABEL="$1 tabs" \
		    TABS_URL=https://$TLS_NAME:$2/ TABS_CERT=$TLS_DIR/cert.pem \
		    TABS_TICK=$TEST_TMP/tick TABS_H1=$3 \
		    node "$ROOT/tests/http/tabs.mjs" >"$TEST_TMP/tabs.out" 2>&1
		grep -v '^1\.\.' "$TEST_TMP/tabs.out"
		n=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$TEST_TMP/tabs.out")
		[ -n "$n" ] || { n=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
			echo "not ok $n - $1: tabs.mjs ended without its plan"; }
		TAP_N=$n
		TAP_FAILED=$((TAP_FAILED + $(grep -c '^not ok ' "$TEST_TMP/tabs.out")))
	done
fi

done_testing
