#!/bin/bash
# Every limit holds at its boundary and answers its documented error:
#   query string   2048 bytes served, 2049 -> 414 uri_too_long
#   symbols=       64 served, 65 -> 400
#   rows           ticks limit=10000 served (more:true), 10001 -> 400,
#                  default 100; candles limit 10001 -> 400; poll at most
#                  1000 ticks an answer, its cursor the last one listed
#   timeout=       3600 accepted, 3601 -> 400
#   request body   -> 413
#   waiting        TICKFEED_MAX_WAITERS=5: five polls wait, the sixth
#                  poll and a stream get 503 too_many_waiters; a commit
#                  answers the five and frees their places
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack
db=$TEST_TMP/ticks.db

syms=$(python3 -c 'print(",".join("S%015d" % i for i in range(64)))')
"$INGEST" -q --db "$db" simulate --symbols "$syms" --count 640 --rate 0 \
    --seed 1 --start-ts "$FAULTS_T0" --step-ms 1
ok $? "64 symbols of 10 ticks"
"$INGEST" -q --db "$db" simulate --symbols BIG --count 10500 --rate 0 \
    --seed 2 --start-ts "$FAULTS_T0" --step-ms 1
ok $? "one symbol of 10500 ticks"

# cgi QUERY [ENDPOINT]: "STATUS BODY" of GET /api/v1/ENDPOINT?QUERY.
cgi() {
	env -i REQUEST_METHOD=GET REQUEST_URI="/api/v1/${2:-quotes}" \
	    QUERY_STRING="$1" TICKFEED_DB="$db" ${3:+CONTENT_LENGTH=$3} \
	    "$APP" 2>/dev/null | tr -d '\r' |
	    sed -n '1s/^Status: \([0-9]*\).*/\1/p;$p' | paste -sd' '
}
# count KEY: the length of the JSON array KEY of the body on stdin.
count() { python3 -c 'import json,sys
s,_,b = sys.stdin.read().partition(" ")
d = json.loads(b); print(s, len(d[sys.argv[1]]), d.get("more", ""))' "$1"; }

# A valid symbols= list encoded to exactly N bytes of query string.
query_of() {
	python3 - "$1" "$syms" <<-'EOF'
	import sys
	n, syms = int(sys.argv[1]), sys.argv[2].split(",")
	if (8 + len(",".join(syms))) % 2 != n % 2:
	    syms[-1] = "BIG"                # flip parity: 3 chars, not 16
	q = "symbols=" + ",".join(syms)
	i = 8
	while len(q) < n:
	    if q[i] != "%":
	        q = q[:i] + "%%%02X" % ord(q[i]) + q[i + 1:]
	    i += 3
	print(q)
	EOF
}
q=$(query_of 2048)
is "${#q}" 2048 "a query string of 2048 bytes"
is "$(cgi "$q" | count quotes)" "200 64 " "2048 bytes: served"
q=$(query_of 2049)
is "$(cgi "$q")" '414 {"error":{"code":"uri_too_long","message":"query string longer than 2048 bytes"}}' \
    "2049 bytes: 414"

is "$(cgi "symbols=$syms" | count quotes)" "200 64 " "64 symbols: served"
is "$(cgi "symbols=$syms,BIG")" '400 {"error":{"code":"bad_value","message":"symbols takes at most 64 symbols"}}' \
    "65 symbols: 400"

is "$(cgi 'symbol=BIG&limit=10000' ticks | count ticks)" "200 10000 True" "ticks limit=10000: 10000 rows, more"
is "$(cgi 'symbol=BIG&limit=10001' ticks)" '400 {"error":{"code":"bad_value","message":"limit must be an integer 1..10000"}}' \
    "ticks limit=10001: 400"
is "$(cgi 'symbol=BIG' ticks | count ticks)" "200 100 True" "ticks default: 100 rows"
is "$(cgi 'symbol=BIG&limit=10001' candles)" '400 {"error":{"code":"bad_value","message":"limit must be an integer 1..10000"}}' \
    "candles limit=10001: 400"
r=$(cgi 'since=0&timeout=0' poll)
is "$(count ticks <<<"$r")" "200 1000 " "poll: at most 1000 ticks an answer"
like "$r" '^200 \{"cursor":1000,' "poll: the cursor is the last tick listed"
is "$(cgi 'timeout=3601' poll)" '400 {"error":{"code":"bad_value","message":"timeout must be an integer 0..3600"}}' \
    "timeout=3601: 400"
is "$(cgi 'symbols=BIG' quotes 5)" '413 {"error":{"code":"payload_too_large","message":"requests take no body"}}' \
    "a request body: 413"

export TICKFEED_MAX_WAITERS=5
stack_start_app "$db" >/dev/null
ok $? "app started with TICKFEED_MAX_WAITERS=5"
stack_start_nginx >/dev/null
ok $? "nginx started"
url=$STACK_URL/api/v1
head=$(sqlite3 -readonly "$db" 'SELECT max(id) FROM ticks')
for i in 1 2 3 4 5; do
	faults_get "$url/poll?symbols=BIG&since=$head&timeout=50" \
	    >"$TEST_TMP/poll.$i" &
	echo $! >"$TEST_TMP/poll.$i.pid"
	on_exit "stack_kill_pidfile '$TEST_TMP/poll.$i.pid'"
done
until_waiting "$STACK_URL" 5
is "$(waiting "$STACK_URL")" 5 "five long-polls waiting"
FULL='503 {"error":{"code":"too_many_waiters","message":"the limit of waiting clients is reached; retry later"}}'
is "$(faults_get "$url/poll?symbols=BIG&since=$head&timeout=50")" "$FULL" "the sixth poll: 503"
is "$(FAULTS_MAX_TIME=5 faults_get "$url/stream?symbols=BIG")" "$FULL" "a stream: 503"
"$INGEST" -q --db "$db" simulate --symbols BIG --count 1 --rate 0 --seed 3
ok $? "one BIG tick committed"
n=0
for i in 1 2 3 4 5; do
	wait "$(cat "$TEST_TMP/poll.$i.pid")"
	[[ $(cat "$TEST_TMP/poll.$i") == "200 {\"cursor\":$((head + 1)),\"ticks\":[{\"id\":$((head + 1)),\"symbol\":\"BIG\","* ]] &&
	    n=$((n + 1))
done
is "$n" 5 "the five waiting polls got the new tick"
[ "$n" -eq 5 ] || for i in 1 2 3 4 5; do diag "poll $i: $(head -c 300 "$TEST_TMP/poll.$i")"; done
is "$(waiting "$STACK_URL")" 0 "their places are free"
like "$(faults_get "$url/poll?symbols=BIG&since=$head&timeout=5")" '^200 ' \
    "a new poll is served again"
done_testing
