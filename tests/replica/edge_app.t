#!/bin/bash
# The app on an edge, behind a real nginx: a client that comes with a
# cursor from a node further ahead is made to wait (poll, stream) or told
# there is nothing after it yet (ticks), never 400, and gets exactly the
# ticks after its cursor once the edge has them: the same bytes the
# origin answers, and the same ETag, so a 304 holds across nodes.
# health says the replication state and lag, and fails past
# TICKFEED_MAX_LAG_MS (-g) saying why; metrics has the gauges.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
. "$ROOT/tests/golden/golden.sh"
test_stack
cd "$TEST_TMP"
redis_start r
R=127.0.0.1:$REDIS_PORT
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db
"$ING" -q --db "$O" init
"$ING" -q --db "$E" init
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
bg rep "$ING" --db "$E" replicate --redis "$R"
now=$(now_ms)
feed 600 1 $((now - 3600000)) 1000 3 > a.csv
"$ING" -q --db "$O" a.csv
wait_for caught_up "$O" "$E"; ok $? "the edge follows"
stack_start_app "$E" -g 2000 > /dev/null
stack_start_nginx > /dev/null
U=$STACK_URL/api/v1
get() { curl -s -m 40 -w '%{http_code} ' -o "$TEST_TMP/body" "$@" && cat "$TEST_TMP/body"; }

like "$(get "$U/health")" '^200 \{"status":"ok","cursor":600,.*,"replica":\{"state":"following","position":"600-0","lag_ms":[0-9]+,"max_lag_ms":2000\}\}$' \
    "health on the edge: following, its position and lag"
m=$(curl -s "$U/metrics")
like "$m" $'\ntickfeed_replica 1\n' "metrics: tickfeed_replica 1"
like "$m" $'\ntickfeed_replication_lag_seconds [0-9]+\\.[0-9]{3}\n' "metrics: the lag"
like "$m" $'\ntickfeed_replication_max_lag_seconds 2\\.000\n' "metrics: the lag allowed"
like "$m" $'\ntickfeed_replication_position 600\n' "metrics: the position"
like "$m" $'\ntickfeed_replication_state\\{state="following"\\} 1\n' "metrics: the state"

# The edge stops; the origin goes on to 800.
stop rep
feed 200 2 $((now - 1800000)) 1000 3 > b.csv
"$ING" -q --db "$O" b.csv
eventually 800-0 top_of; ok $? "the origin published up to 800"
is "$(get "$U/poll?since=800&timeout=0")" '200 {"cursor":800,"ticks":[]}' \
    "poll, a cursor beyond the edge: nothing yet, the client's cursor kept (no 400)"
is "$(get "$U/poll?symbols=S1&since=800&timeout=1")" '200 {"cursor":800,"ticks":[]}' \
    "it waited its timeout, then the same"
is "$(get "$U/ticks?symbol=S1&since=800")" '200 {"cursor":800,"symbol":"S1","ticks":[],"next":800,"more":false}' \
    "ticks: nothing after it yet"
is "$(get "$U/poll?since=5000&timeout=0")" '200 {"cursor":5000,"ticks":[]}' \
    "an edge cannot tell a cursor from the future: it waits for it too"

# Waiting clients, answered once the edge catches up.
curl -s -m 40 -o poll.out "$U/poll?symbols=S1,S2&since=800&timeout=30" & P1=$!
curl -s -N -m 30 -H 'Last-Event-ID: 800' -o stream.out "$U/stream?symbols=S1" & P2=$!
until_waiting "$STACK_URL" 2; ok $? "a poll and a stream from cursor 800 wait"
feed 90 3 $((now - 900000)) 1000 3 > c.csv
"$ING" -q --db "$O" c.csv
bg rep "$ING" --db "$E" replicate --redis "$R"
wait "$P1"; is "$?" 0 "the poll is answered once the edge catches up"
want=$(app_cgi "$O" "/api/v1/poll?symbols=S1,S2&since=800&timeout=0")
is "200 $(cat poll.out)" "$want" "with the very bytes the origin answers"
like "$(cat poll.out)" '^\{"cursor":890,"ticks":\[\{"id":80[12],"symbol":"S[12]",' \
    "the ticks after 800, cursor 890"
wait_for grep -q '^id: 890$' stream.out; ok $? "the stream sends the ticks after 800"
kill "$P2" 2>/dev/null
is "$(sed -n '1,4p' stream.out | tr '\n' ' ')" 'retry: 2000 id: 800 event: start data: {"cursor":800,"heartbeat_ms":15000} ' \
    "it opened at the client's cursor"
ev=$(grep -A1 '^event: ticks' stream.out | sed -n '2s/^data: //p')
is "$ev" "$(app_cgi "$O" "/api/v1/poll?symbols=S1&since=800&timeout=0" | cut -d' ' -f2-)" \
    "its event holds exactly the origin's ticks after 800"

# The same answer, the same ETag on every node: a 304 holds.
wait_for caught_up "$O" "$E"
oe=$(GOLDEN_NOW= golden_cgi "$O" GET "/api/v1/ticks?symbol=S2&since=700" | grep '^etag:')
ee=$(golden_http "$STACK_URL" GET "/api/v1/ticks?symbol=S2&since=700" | grep '^etag:')
like "$oe" '^etag: "[0-9a-f]{16}"$' "the origin's ticks answer has an ETag"
is "$ee" "$oe" "the edge's is the same"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${oe#etag: }" "$U/ticks?symbol=S2&since=700")" 304 \
    "the origin's ETag gets a 304 from the edge"

# Lag past TICKFEED_MAX_LAG_MS: health fails, saying why.
stop rep
sleep 2.5
like "$(get "$U/health")" '^503 \{"error":\{"code":"replica_lagging","message":"replication lag [0-9]+ ms is past TICKFEED_MAX_LAG_MS \(2000 ms\); this edge is at stream entry 890-0, replicate stopped"\}\}$' \
    "replicate stopped 2.5 s ago: health 503, saying why"
like "$(curl -s "$U/metrics")" $'\ntickfeed_replication_lag_seconds [2-9]\\.[0-9]{3}\n' "metrics: the lag grew"
bg rep "$ING" --db "$E" replicate --redis "$R"
health_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$U/health")" = 200 ]; }
wait_for health_ok; ok $? "replicate back: health 200 again"
like "$(get "$U/poll?since=891&timeout=0")" '^200 \{"cursor":891,"ticks":\[\]\}$' "still no 400 on the edge"
like "$(app_cgi "$O" "/api/v1/poll?since=891&timeout=0")" '^400 .*"bad_cursor"' \
    "while the origin says 400 to the same cursor"
stop rep
done_testing
