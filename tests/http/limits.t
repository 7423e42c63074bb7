#!/bin/bash
# Per-client limits through the real servers, from the conf/ snippets as
# they are (tickfeed-limits-maps.conf and tickfeed-limits.conf for
# nginx, tickfeed-limits.conf with mod_qos for Apache), over HTTPS, with
# small numbers: 10 requests a second and a burst of 5 (nginx), 20
# requests in a 2 s window (Apache; 100 in 10 s for the abuser below),
# 3 waiting requests a client.  On each:
#   - the fourth waiting long-poll of one address is a 429 with
#     Retry-After and the API's JSON error; another address still waits;
#     over HTTP/2 the fourth stream of one connection is refused the same
#   - past the rate: 429, the body exactly www/tickfeed-error/429.json,
#     Retry-After a number of seconds; meanwhile another address and the
#     page itself are served; after Retry-After the client is served again
#   - nginx with the _key variables: two API keys from one address are
#     two clients, one key from two addresses is one
#   - an abuser (wrk from 127.0.0.1, 8 s) beside eight polite clients (5
#     requests a second each, from 127.0.0.2-9): the abuser is served no
#     more than its limit allows (Apache: exactly 99, its one window),
#     the polite ones get only 200s, and their p99 is printed with and
#     without the abuser
. "$(dirname "$0")/../lib.sh"
test_stack apache2 openssl wrk python3
. "$ROOT/tests/http/tls_lib.sh"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"
[ -e /usr/lib/apache2/modules/mod_qos.so ] || skip_all "libapache2-mod-qos is not installed"
chmod 711 "$TEST_TMP"
ERR429=$(cat "$ROOT/www/tickfeed-error/429.json")

export TICKFEED_DB=$TEST_TMP/ticks.db
"$INGEST" --db "$TICKFEED_DB" init >/dev/null 2>&1
printf 'symbol,ts,price,size\nLIMA,1704240000000,10.5,1\n' >"$TEST_TMP/a.csv"
"$INGEST" -q --db "$TICKFEED_DB" "$TEST_TMP/a.csv"
tls_ca "$TEST_TMP/tls" tickfeed.test
stack_start_app "$TICKFEED_DB" >/dev/null
ok $? "the app starts"

# nginx: one HTTPS server by address, one by API key.
ng=$(stack_free_port); ngk=$(stack_free_port)
cat >"$TEST_TMP/site.conf" <<EOF
include $ROOT/conf/nginx/tickfeed-limits-maps.conf;
limit_req_zone \$tickfeed_api_client zone=tickfeed_req:1m rate=10r/s;
limit_conn_zone \$tickfeed_wait_client zone=tickfeed_wait:1m;
limit_req_zone \$tickfeed_api_client_key zone=tickfeed_req_key:1m rate=10r/s;
limit_conn_zone \$tickfeed_wait_client_key zone=tickfeed_wait_key:1m;
upstream tickfeed_app {
    server unix:$STACK_DIR/app.sock;
    keepalive 64;
}
server {
    listen 127.0.0.1:$ng ssl http2;
    ssl_certificate $TLS_DIR/cert.pem;
    ssl_certificate_key $TLS_DIR/key.pem;
    include $ROOT/conf/nginx/tickfeed-tls.conf;
    limit_req zone=tickfeed_req burst=5 nodelay;
    limit_conn tickfeed_wait 3;
    include $ROOT/conf/nginx/tickfeed-limits.conf;
    root $STACK_WWW;
    include $ROOT/conf/nginx/tickfeed-locations.conf;
}
server {
    listen 127.0.0.1:$ngk ssl http2;
    ssl_certificate $TLS_DIR/cert.pem;
    ssl_certificate_key $TLS_DIR/key.pem;
    include $ROOT/conf/nginx/tickfeed-tls.conf;
    limit_req zone=tickfeed_req_key burst=5 nodelay;
    limit_conn tickfeed_wait_key 3;
    include $ROOT/conf/nginx/tickfeed-limits.conf;
    root $STACK_WWW;
    include $ROOT/conf/nginx/tickfeed-locations.conf;
}
EOF
tls_nginx nginx-limits "$TEST_TMP/site.conf"
ok $? "nginx starts with the limits snippets"
ap=$(stack_free_port)
tls_apache apache-limits proxy_fcgi 0 "$ap" "Define TICKFEED_LIMIT_REQUESTS 20
Define TICKFEED_LIMIT_WINDOW 2
Define TICKFEED_LIMIT_WAITING 3
Include $ROOT/conf/apache/tickfeed-limits.conf"
ok $? "Apache starts with tickfeed-limits.conf (mod_qos)"
# The abuser's Apache: one window longer than the abuser's 8 s, so that
# it sends far more than 32,767 requests in it.  mod_qos counted refused
# requests too, in a 16-bit counter: past 32,767 it wrapped and the
# abuser was served some 32,800 requests (with the 2 s window above
# only when it kept up 11,000 a second: 2,627 in one run, 57 in most).
# tickfeed-limits.conf now has refusals take back their count.
ap2=$(stack_free_port)
tls_apache apache-abuser proxy_fcgi 0 "$ap2" "Define TICKFEED_LIMIT_REQUESTS 100
Define TICKFEED_LIMIT_WINDOW 10
Define TICKFEED_LIMIT_WAITING 3
Include $ROOT/conf/apache/tickfeed-limits.conf"
ok $? "a second Apache starts with tickfeed-limits.conf, 100 requests in 10 s"

# get PORT PATH [CURL ARGS...]: "STATUS BODY" of a GET over HTTPS.
get() {
	local port=$1 path=$2; shift 2
	TLS_PORT=$port tls_curl -o "$TEST_TMP/body" -D "$TEST_TMP/head" \
	    -w '%{http_code}' "$@" "https://$TLS_NAME:$port$path" >"$TEST_TMP/code"
	printf '%s %s' "$(cat "$TEST_TMP/code")" "$(cat "$TEST_TMP/body")"
}
header() {	# header NAME: its value in the last answer of get
	sed -n "s/^$1: *\\([^\\r]*\\)\\r*$/\\1/Ip" "$TEST_TMP/head" | tail -1
}

# check_waiting LABEL PORT
check_waiting() {
	local label=$1 port=$2 i pids=() out args=()
	for i in 1 2 3; do
		TLS_PORT=$port tls_curl -o /dev/null --http1.1 \
		    "https://$TLS_NAME:$port/api/v1/poll?symbols=LIMA&timeout=4" &
		pids+=($!)
	done
	sleep 1
	is "$(get "$port" '/api/v1/poll?symbols=LIMA&timeout=4' --http1.1)" "429 $ERR429" \
	    "$label: the fourth waiting long-poll of one address: 429, the API's JSON"
	like "$(header Retry-After)" '^[1-9][0-9]*$' "$label: ... with Retry-After ($(header Retry-After))"
	is "$(header Content-Type)/$(header Cache-Control)" "application/json/no-store" \
	    "$label: ... as JSON, not cached"
	out=$(get "$port" '/api/v1/poll?symbols=LIMA&timeout=1' --interface 127.0.0.2)
	like "$out" '^200 \{"cursor":1,"ticks":\[\]\}$' "$label: another address still waits"
	wait "${pids[@]}"
	# Over HTTP/2: four streams on one connection, the fourth refused.
	for i in 1 2 3 4; do
		args+=(-o "$TEST_TMP/h2-$i" "https://$TLS_NAME:$port/api/v1/stream?symbols=LIMA")
	done
	TLS_PORT=$port tls_curl --http2 -N --no-progress-meter --parallel \
	    --parallel-max 4 --max-time 3 -w '%{http_code} %{http_version} %{num_connects}\n' \
	    "${args[@]}" >"$TEST_TMP/h2.out"
	is "$(sort "$TEST_TMP/h2.out" | tr '\n' ' ')" "200 2 0 200 2 0 200 2 1 429 2 0 " \
	    "$label: over h2, the fourth stream of one connection: 429"
	is "$(cat "$TEST_TMP"/h2-? | grep -c '"code":"rate_limited"')" 1 \
	    "$label: ... with the API's JSON error"
}

# check_rate LABEL PORT: past the rate, the others, and after Retry-After.
check_rate() {
	local label=$1 port=$2 i codes ra
	rm -f "$TEST_TMP"/burst-*
	codes=$(for i in $(seq 60); do
		echo "-o $TEST_TMP/burst-$i"
		echo "-D $TEST_TMP/burst-$i.head"
		echo "url = https://$TLS_NAME:$port/api/v1/quotes?symbols=LIMA"
	done | TLS_PORT=$port tls_curl -K - -w '%{http_code}\n' | tr '\n' ' ')
	like "$codes" '^200 (200 )+429 (.* )?429 $' "$label: 60 requests at once: 200s, then 429s"
	is "$(cat "$TEST_TMP/burst-60")" "$ERR429" \
	    "$label: past the rate: 429, the body of www/tickfeed-error/429.json"
	cp "$TEST_TMP/burst-60.head" "$TEST_TMP/head"
	ra=$(header Retry-After)
	like "$ra" '^[1-9][0-9]*$' "$label: ... with Retry-After ($ra s)"
	is "$(header Content-Type)/$(header Cache-Control)/$(header Access-Control-Allow-Origin)" \
	    "application/json/no-store/*" "$label: ... with the API errors' headers"
	like "$(get "$port" '/api/v1/quotes?symbols=LIMA' --interface 127.0.0.3)" '^200 \{"cursor":1,' \
	    "$label: meanwhile another address is served"
	like "$(get "$port" /)" '^200 .*<html' "$label: meanwhile the page itself is served"
	# Served again after Retry-After (mod_qos: up to a second later).
	sleep "$ra"
	for i in 1 2 3; do
		out=$(get "$port" '/api/v1/quotes?symbols=LIMA')
		[[ $out == 200* ]] && break
		sleep 0.5
	done
	like "$out" '^200 \{"cursor":1,' \
	    "$label: after Retry-After the client is served again ($i tries)"
}

check_waiting nginx "$ng"
check_rate nginx "$ng"
check_waiting apache "$ap"
check_rate apache "$ap"

# --- nginx by API key ---------------------------------------------------------
burst() {	# burst PORT N CURL-ARGS...: the status codes of N requests at once
	local port=$1 n=$2 i; shift 2
	for i in $(seq "$n"); do
		echo "-o /dev/null"
		echo "url = https://$TLS_NAME:$port/api/v1/quotes?symbols=LIMA"
	done | TLS_PORT=$port tls_curl -K - "$@" -w '%{http_code}\n' | sort | uniq -c |
	    awk '{ printf "%s:%s ", $2, $1 }'
}
out=$(burst "$ngk" 30 -H 'Authorization: Bearer key-one')
like "$out" '^200:[0-9]+ 429:[0-9]+ $' "by key: key-one past its rate ($out)"
out=$(burst "$ngk" 3 -H 'Authorization: Bearer key-two')
is "$out" "200:3 " "by key: key-two from the same address is served"
# A fresh client would get six of ten (one and a burst of five).
out=$(burst "$ngk" 10 --cookie 'tickfeed_key=key-one' --interface 127.0.0.4)
like "$out" '^(200:[12] )?429:(8|9|10) $' "by key: key-one as a cookie from another address is the same client ($out)"
out=$(burst "$ngk" 3 --interface 127.0.0.4)
is "$out" "200:3 " "by key: no key: limited by address"

# --- an abuser beside polite clients -------------------------------------
polite() {	# polite PORT: eight clients, 5 requests a second each, for 6 s
	python3 "$ROOT/tests/http/polite.py" \
	    "https://127.0.0.1:$1/api/v1/quotes?symbols=LIMA" "$TLS_DIR/ca.pem" \
	    127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9 \
	    5 6
}
p99() { sed 's/.*"p99_ms": \([0-9.]*\).*/\1/' <<<"$1"; }
for s in "nginx $ng" "apache $ap2"; do
	set -- $s
	sleep 2	# the earlier windows and buckets drain
	alone=$(polite "$2")
	like "$alone" '"status": \{"200": 240\}' "$1: alone, the polite clients get 240 answers, all 200"
	wrk -t1 -c16 -d8s "https://127.0.0.1:$2/api/v1/quotes?symbols=LIMA" \
	    >"$TEST_TMP/wrk-$1.out" 2>&1 &
	wrk_pid=$!
	sleep 1
	with=$(polite "$2")
	wait "$wrk_pid"
	like "$with" '"status": \{"200": 240\}' "$1: beside the abuser, still 240 answers, all 200"
	total=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$TEST_TMP/wrk-$1.out")
	refused=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\)/\1/p' "$TEST_TMP/wrk-$1.out")
	like "${refused:-0}/${total:-0}" '^[0-9]{3,}/[0-9]+$' \
	    "$1: the abuser was refused ${refused:-0} of ${total:-0} requests"
	# What it may get in 8 s: nginx 5 + 10 a second (86); Apache 99,
	# all in one window (10 s, and up to a second more in whole
	# seconds: the 100th request and every later one are refused).  A
	# window that ended during the run would let through one request
	# more for each refusal still being answered at its end.
	served=$(( ${total:-0} - ${refused:-0} ))
	if [ "$1" = nginx ]; then
		ok "$([ "$served" -le 100 ]; echo $?)" "$1: ... and served only $served (at most 100)"
	else
		is "$served" 99 "$1: ... and served only $served (99: the window's 100 less the one that reaches it)"
		[ "${total:-0}" -gt 32867 ] ||
		    diag "$1: the abuser sent only ${total:-0}: too few to have wrapped mod_qos's 16-bit counter"
	fi
	ok "$(awk -v a="$(p99 "$with")" 'BEGIN { exit !(a < 250) }'; echo $?)" \
	    "$1: the polite clients' p99 beside the abuser is under 250 ms"
	diag "$1 polite clients alone:         $alone"
	diag "$1 polite clients beside abuser: $with"
	diag "$1 abuser: ${refused:-0} of ${total:-0} refused ($(sed -n 's/^Requests\/sec: *//p' "$TEST_TMP/wrk-$1.out") req/s)"
done

done_testing
