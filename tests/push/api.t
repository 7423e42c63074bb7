#!/bin/bash
# poll and stream through a real nginx, byte for byte: timeouts answer an
# empty list with the same cursor, a client that walks away frees its slot
# (the waiting gauge goes back to 0), the waiter past TICKFEED_MAX_WAITERS
# gets a clear 503, cursors from the future are 400 and cursors older
# than pruned history 410, SSE opens with retry:/id:, resumes from
# Last-Event-ID (the header wins over last_event_id=), and HEAD never waits.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tools/push_lib.bash"
test_stack
DB=$TEST_TMP/ticks.db
BG=()
on_exit 'for p in "${BG[@]}"; do kill $p 2>/dev/null; done'

# Ten old ticks (2020) and ten AAPL ticks of today.
"$BIN/tickfeed-ingest" --db "$DB" -q simulate --symbols MSFT --seed 1 \
    --count 10 --start-ts 1577836800000 --step-ms 1000
"$BIN/tickfeed-ingest" --db "$DB" -q simulate --symbols AAPL --seed 2 --count 10
TICKFEED_MAX_WAITERS=3 TICKFEED_HEARTBEAT_MS=1000 stack_start_app "$DB" >/dev/null
stack_start_nginx >/dev/null
U=$STACK_URL/api/v1

# get URL [CURL ARGS]: "STATUS BODY"
get() { curl -s -m 20 -w '%{http_code} ' -o "$TEST_TMP/body" "$@" &&
	cat "$TEST_TMP/body"; }

is "$(get "$U/poll?symbols=AAPL&since=20&timeout=1")" \
    '200 {"cursor":20,"ticks":[]}' "timeout: an empty list, the same cursor"
is "$(get "$U/poll?symbols=MSFT&since=15&timeout=0")" \
    '200 {"cursor":15,"ticks":[]}' "timeout=0 answers at once"
body=$(get "$U/poll?symbols=MSFT&since=8&timeout=0")
like "$body" '^200 \{"cursor":20,"ticks":\[\{"id":9,"symbol":"MSFT","ts":1577836808000,"price":[0-9.]+,"size":[0-9]+\},\{"id":10,' \
    "ticks after the cursor, at once, cursor at the newest id"
is "$(get "$U/poll?since=21")" \
    '400 {"error":{"code":"bad_cursor","message":"cursor 21 is beyond the newest tick id 20"}}' \
    "a cursor from the future: 400"
is "$(get "$U/poll?timeout=x")" \
    '400 {"error":{"code":"bad_value","message":"timeout must be an integer 0..3600"}}' \
    "a bad timeout: 400"

# A client that leaves while parked frees its slot.
curl -s -m 30 -o /dev/null "$U/poll?since=20&timeout=30" & BG+=($!)
until_waiting "$STACK_URL" 1; ok $? "a poll is parked"
kill "${BG[-1]}"
until_waiting "$STACK_URL" 0; ok $? "the client left: its slot is free again"

# The cap: three wait, the fourth is told so.
for i in 1 2 3; do
	curl -s -m 30 -o "$TEST_TMP/w$i" "$U/poll?symbols=AAPL&since=20&timeout=30" & BG+=($!)
done
until_waiting "$STACK_URL" 3; ok $? "three parked (the configured cap)"
is "$(get "$U/poll?since=20&timeout=30")" \
    '503 {"error":{"code":"too_many_waiters","message":"the limit of waiting clients is reached; retry later"}}' \
    "the waiter past the cap: 503 at once"
is "$(get "$U/stream")" \
    '503 {"error":{"code":"too_many_waiters","message":"the limit of waiting clients is reached; retry later"}}' \
    "a stream past the cap: 503"
body=$(get "$U/poll?symbols=MSFT&since=8&timeout=30")
like "$body" '^200 \{"cursor":20,"ticks":\[\{"id":9,"symbol":"MSFT",' \
    "at the cap, a cursor behind the newest tick still gets its ticks at once"
"$BIN/tickfeed-ingest" --db "$DB" -q simulate --symbols AAPL --seed 3 --count 1
for i in 1 2 3; do wait "${BG[-$i]}"; done
is "$(sed 's/"ts".*//' "$TEST_TMP/w1")" '{"cursor":21,"ticks":[{"id":21,"symbol":"AAPL",' \
    "a commit answers the parked polls"
is "$(cat "$TEST_TMP/w2")" "$(cat "$TEST_TMP/w1")" "all of them the same bytes"
until_waiting "$STACK_URL" 0; ok $? "and frees them"

# SSE: the opening block, catching up from Last-Event-ID, the header
# winning over the query, events for the symbols only.
curl -s -N -m 3 -D "$TEST_TMP/head" -o "$TEST_TMP/sse" \
    -H 'Last-Event-ID: 19' "$U/stream?symbols=AAPL&last_event_id=5"
is "$(tr -d '\r' <"$TEST_TMP/head" | grep -iE '^(content-type|cache-control|x-content-type-options):')" \
    "$(printf 'Content-Type: text/event-stream\nCache-Control: no-store\nX-Content-Type-Options: nosniff')" \
    "the stream's head as API.md says: text/event-stream, no-store, nosniff"
is "$(head -c 79 "$TEST_TMP/sse")" $'retry: 2000\nid: 19\nevent: start\ndata: {"cursor":19,"heartbeat_ms":1000}\n\nid: 21' \
    "retry:, then the start event with the cursor given by Last-Event-ID"
is "$(grep -c '^event: ticks' "$TEST_TMP/sse")" 1 "one event for one batch"
like "$(grep -A1 '^event: ticks' "$TEST_TMP/sse" | grep '^data: ')" '^data: \{"cursor":21,"ticks":\[\{"id":20,"symbol":"AAPL",.*\{"id":21,"symbol":"AAPL",.*\]\}$' \
    "the event: ticks 20 and 21, cursor 21"
# Heartbeats (every second here): real events, with the cursor to resume
# from and the age of the newest tick, so that a client can tell a quiet
# market from a dead connection.
curl -s -N -m 2.6 -o "$TEST_TMP/beat" "$U/stream?symbols=MSFT"
n=$(grep -c '^event: heartbeat$' "$TEST_TMP/beat")
ok $([ "$n" -ge 2 ] && [ "$n" -le 3 ]; echo $?) "2 or 3 heartbeats in 2.6 s at one a second, all streams in step ($n)"
like "$(grep -B1 -A1 '^event: heartbeat$' "$TEST_TMP/beat" | head -3 | tr '\n' '|')" \
    '^id: 21\|event: heartbeat\|data: \{"cursor":21,"newest_tick_age_ms":[0-9]+\}\|$' \
    "a heartbeat: id and cursor to resume from, the newest tick's age"
is "$(get "$U/stream?last_event_id=99")" \
    '400 {"error":{"code":"bad_cursor","message":"cursor 99 is beyond the newest tick id 21"}}' \
    "a stream from the future: 400"
is "$(get -H 'Last-Event-ID: 1x' "$U/stream")" \
    '400 {"error":{"code":"bad_value","message":"Last-Event-ID must be a tick id (digits)"}}' \
    "a malformed Last-Event-ID: 400"
is "$(curl -s -I -m 5 "$U/stream" | tr -d '\r' | grep -c '^Content-Type: text/event-stream')" 1 \
    "HEAD answers the head at once"
is "$(curl -s -I -m 5 -o /dev/null -w '%{http_code}' "$U/poll?timeout=30")" 200 \
    "HEAD on poll does not wait"

# A symbol the store has never seen: 404 at once, poll and stream alike,
# on the fast path (a cursor at the head) and off it (a typo must not wait
# forever).  A symbol first committed after the app started is known.
nope='404 {"error":{"code":"unknown_symbol","message":"unknown symbol '\''NOPE'\''"}}'
is "$(get "$U/poll?symbols=AAPL,NOPE&since=21&timeout=30")" "$nope" \
    "poll at the head: an unknown symbol is 404 at once"
is "$(get "$U/poll?symbols=NOPE&timeout=30")" "$nope" \
    "poll without a cursor: 404 at once"
is "$(get "$U/poll?symbols=NOPE&since=3&timeout=0")" "$nope" \
    "poll behind the head: 404"
is "$(get -H 'Last-Event-ID: 21' "$U/stream?symbols=NOPE")" "$nope" \
    "stream: 404"
"$BIN/tickfeed-ingest" --db "$DB" -q simulate --symbols IBM --seed 4 --count 1
like "$(get "$U/poll?symbols=IBM&since=21&timeout=5")" \
    '^200 \{"cursor":22,"ticks":\[\{"id":22,"symbol":"IBM",' \
    "a symbol committed after the start is known: its tick"
is "$(get "$U/poll?symbols=IBM&since=22&timeout=0")" '200 {"cursor":22,"ticks":[]}' \
    "and waiting for it is fine"

# Retention: the 2020 ticks pruned, an old cursor is told where to resume.
"$BIN/tickfeed-ingest" --db "$DB" -q prune --older-than 30
p=$(sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")
is "$p" 10 "the ten old ticks are pruned"
is "$(get "$U/poll?since=3")" \
    '410 {"error":{"code":"cursor_pruned","message":"ticks up to id 10 were pruned; history starts after 10: resume from cursor 10"}}' \
    "a cursor older than retained history: 410"
is "$(get -H 'Last-Event-ID: 9' "$U/stream")" \
    '410 {"error":{"code":"cursor_pruned","message":"ticks up to id 10 were pruned; history starts after 10: resume from cursor 10"}}' \
    "a stream resuming before it: 410"
is "$(get "$U/poll?since=10&timeout=0&symbols=MSFT")" '200 {"cursor":10,"ticks":[]}' \
    "from where history starts: fine"
until_waiting "$STACK_URL" 0; ok $? "nothing left waiting"
done_testing
