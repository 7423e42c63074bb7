#!/bin/bash
# The polling contract live behind nginx, with the real ingest tool
# committing: an answer is cached until the next commit and never after
# it (ETag and 304 follow the data, on every accept thread), the cursor
# moves with the commit, CORS comes from the configuration, health's age
# follows the clock, and metrics count exactly what was asked.
. "$(dirname "$0")/../lib.sh"
test_stack
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] || skip_all "tickfeed-ingest not built"

db=$TEST_TMP/ticks.db
printf 'symbol,ts,price,size\nAAPL,1704240000000,189.10,100\nMSFT,1704240000500,370.12,5\n' >"$TEST_TMP/a.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/a.csv"
ok $? "two ticks imported"
TICKFEED_CORS_ORIGIN=https://charts.example.org stack_start_app "$db"
ok $? "app started (CORS origin configured)"
stack_start_nginx >/dev/null
ok $? "nginx started"
q=$STACK_URL/api/v1/quotes?symbols=AAPL

# get URL [HEADER]: "STATUS|ETAG|BODY" of one request.
get() {
	rm -f "$TEST_TMP/h" "$TEST_TMP/b"
	curl -s -D "$TEST_TMP/h" -o "$TEST_TMP/b" ${2:+-H "$2"} "$1"
	touch "$TEST_TMP/b"
	printf '%s|%s|%s' "$(head -1 "$TEST_TMP/h" | cut -d' ' -f2)" \
	    "$(tr -d '\r' <"$TEST_TMP/h" | sed -n 's/^ETag: //Ip')" \
	    "$(cat "$TEST_TMP/b")"
}

IFS='|' read -r st e1 body < <(get "$q")
is "$st $body" '200 {"cursor":2,"quotes":[{"symbol":"AAPL","id":1,"ts":1704240000000,"price":189.10,"size":100}]}' \
    "quotes before the commit"
like "$e1" '^"[0-9a-f]{16}"$' "a strong ETag"
is "$(tr -d '\r' <"$TEST_TMP/h" | grep -i '^Access-Control-Allow-Origin:')" \
    "Access-Control-Allow-Origin: https://charts.example.org" "CORS origin from TICKFEED_CORS_ORIGIN"
IFS='|' read -r st e body < <(get "$q" "If-None-Match: $e1")
is "$st|$e|$body" "304|$e1|" "If-None-Match: 304, same ETag, no body"

printf 'symbol,ts,price,size\nAAPL,1704240001000,189.25,7\n' >"$TEST_TMP/b.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/b.csv"
ok $? "a third tick committed"
IFS='|' read -r st e2 body < <(get "$q" "If-None-Match: $e1")
is "$st $body" '200 {"cursor":3,"quotes":[{"symbol":"AAPL","id":3,"ts":1704240001000,"price":189.25,"size":7}]}' \
    "the old ETag no longer matches: the new quote and cursor"
ok $([ "$e2" != "$e1" ]; echo $?) "a new ETag"

# Twenty more: every accept thread has dropped its cached answer.
bad=0
for i in $(seq 20); do
	IFS='|' read -r st e body < <(get "$q")
	[ "$st|$e" = "200|$e2" ] || bad=$((bad + 1))
done
is "$bad" 0 "20 answers after the commit: all the new one, on every thread"
IFS='|' read -r st e body < <(get "$STACK_URL/api/v1/ticks?symbol=AAPL&since=2")
is "$st $body" '200 {"cursor":3,"symbol":"AAPL","ticks":[{"id":3,"ts":1704240001000,"price":189.25,"size":7}],"next":3,"more":false}' \
    "ticks since the old cursor: exactly the new tick"

before=$(date +%s%3N)
IFS='|' read -r st e body < <(get "$STACK_URL/api/v1/health")
after=$(date +%s%3N)
like "$st $body" '^200 \{"status":"ok","cursor":3,"newest_tick_ts":1704240001000,"newest_tick_age_ms":[0-9]+\}$' \
    "health: cursor and newest tick"
age=$(echo "$body" | sed 's/.*"newest_tick_age_ms":\([0-9]*\)}/\1/')
ok $([ "$age" -ge $((before - 1704240001000)) ] && [ "$age" -le $((after - 1704240001000)) ]; echo $?) \
    "health: the age is now minus the newest tick ($age ms)"
is "$e" "" "health carries no ETag"

m=$(curl -s "$STACK_URL/api/v1/metrics")
is "$(echo "$m" | grep '^tickfeed_requests_total{endpoint="quotes"' | sort | tr '\n' ' ')" \
    'tickfeed_requests_total{endpoint="quotes",status="200"} 22 tickfeed_requests_total{endpoint="quotes",status="304"} 1 ' \
    "metrics: quotes counted by status"
is "$(echo "$m" | grep '^tickfeed_request_duration_seconds_count{endpoint="quotes"}')" \
    'tickfeed_request_duration_seconds_count{endpoint="quotes"} 23' "metrics: the histogram counts them too"
is "$(echo "$m" | grep -E '^tickfeed_(db_up|cursor|waiting_clients) ' | sort | tr '\n' ' ')" \
    'tickfeed_cursor 3 tickfeed_db_up 1 tickfeed_waiting_clients 0 ' "metrics: db up, cursor, nobody waiting"
is "$(echo "$m" | grep '^tickfeed_waiting_clients_max ')" 'tickfeed_waiting_clients_max 10000' \
    "metrics: the waiting cap (the default)"
size=$(python3 -c 'import os,sys; v=os.statvfs(sys.argv[1]); print(v.f_blocks * v.f_frsize)' "$TEST_TMP")
is "$(echo "$m" | sed -n 's/^tickfeed_store_size_bytes //p')" "$size" \
    "metrics: the size of the store's file system, as statvfs says"
avail=$(echo "$m" | sed -n 's/^tickfeed_store_avail_bytes //p')
ok $([ -n "$avail" ] && [ "$avail" -gt 0 ] && [ "$avail" -le "$size" ]; echo $?) \
    "metrics: the bytes free there, within it ($avail)"
like "$(echo "$m" | grep '^tickfeed_newest_tick_age_seconds ')" \
    '^tickfeed_newest_tick_age_seconds [0-9]+\.[0-9]{3}$' "metrics: newest tick age"
is "$(curl -s -o /dev/null -w '%{content_type}' "$STACK_URL/api/v1/metrics")" \
    "text/plain; version=0.0.4; charset=utf-8" "metrics: Prometheus text content type"

sock=$STACK_DIR/app.sock
stack_stop
ok $([ ! -e "$sock" ]; echo $?) "SIGTERM: the app exits and removes its socket"
done_testing
