#!/bin/bash
# The app SIGKILLed under load behind nginx.  While the simulator commits
# ticks, four long-poll followers (follow.py) wait on poll?since=, a wrk
# run loads the plain endpoints, and a checker asks health in a loop; the
# app is killed with SIGKILL, and restarted a moment later.
#   - while it is down nginx answers the API's JSON 503 (conf/nginx), and
#     every answer anyone got was 200 or that 503: no HTML, no other 5xx;
#   - the restarted app answers;
#   - every follower, resuming with its cursor, received exactly the
#     ticks committed after its start, each once, in id order.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack wrk
on_exit 'stack_kill_pidfile "$TEST_TMP/sim.pid"'
db=$TEST_TMP/ticks.db
DOWN='{"error":{"code":"unavailable","message":"the tickfeed app is not answering; retry shortly"}}'
FOLLOWERS=4

faults_feed "$TEST_TMP/seed.csv" 500 4
"$INGEST" -q --db "$db" "$TEST_TMP/seed.csv"
ok $? "500 ticks to start from"
stack_start_app "$db" >/dev/null
ok $? "app started"
stack_start_nginx >/dev/null
ok $? "nginx started"
url=$STACK_URL

"$INGEST" -q --db "$db" simulate --symbols AAPL,MSFT --seed 9 --rate 200 \
    --duration 8 --flush-ms 50 >"$TEST_TMP/sim.log" 2>&1 &
echo $! >"$TEST_TMP/sim.pid"
for i in $(seq $FOLLOWERS); do
	python3 "$ROOT/tests/faults/follow.py" "$url" AAPL,MSFT 500 \
	    "$TEST_TMP/stop" "$TEST_TMP/ids.$i" 90 >"$TEST_TMP/follow.$i" 2>&1 &
	echo $! >"$TEST_TMP/follow.$i.pid"
	on_exit "stack_kill_pidfile '$TEST_TMP/follow.$i.pid'"
done
wrk -t 2 -c 32 -d 6s --timeout 5s "$url/api/v1/quotes?symbols=AAPL,MSFT" \
    >"$TEST_TMP/wrk.out" 2>&1 &
wrk_pid=$!

# The checker: health every 20 ms until told to stop; one line an answer.
( while [ ! -e "$TEST_TMP/stop-checker" ]; do
	faults_get "$url/api/v1/health" | sed 's/"newest_tick_age_ms":[0-9]*/AGE/'
	echo
	sleep 0.02
  done >"$TEST_TMP/checker.out" ) &
checker=$!

sleep 2
app_pid=$(cat "$STACK_DIR/app.pid")
kill -9 "$app_pid"
ok $? "app SIGKILLed under load"
down=0
for i in 1 2 3 4 5; do
	[ "$(faults_get "$url/api/v1/symbols")" = "503 $DOWN" ] && down=$((down + 1))
done
is "$down" 5 "while it is down, nginx answers the JSON 503"
sleep 1
stack_start_app "$db" >/dev/null
ok $? "app restarted"
like "$(faults_get "$url/api/v1/health")" '^200 \{"status":"ok"' "the restarted app answers"

wait "$wrk_pid"
wait "$(cat "$TEST_TMP/sim.pid")"
ok $? "the simulator ran to its end"
last=$(sqlite3 -readonly "$db" "SELECT max(t.id) FROM ticks t JOIN symbols s
    ON s.id = t.symbol_id WHERE s.symbol IN ('AAPL', 'MSFT')")
echo "$last" >"$TEST_TMP/stop"
want=$(sqlite3 -readonly "$db" "SELECT t.id FROM ticks t JOIN symbols s
    ON s.id = t.symbol_id WHERE s.symbol IN ('AAPL', 'MSFT') AND t.id > 500
    ORDER BY t.id" | sha256sum)
nwant=$(sqlite3 -readonly "$db" "SELECT count(*) FROM ticks t JOIN symbols s
    ON s.id = t.symbol_id WHERE s.symbol IN ('AAPL', 'MSFT') AND t.id > 500")
ok $(( nwant >= 1000 ? 0 : 1 )) "the simulator committed $nwant ticks meanwhile"
for i in $(seq $FOLLOWERS); do
	wait "$(cat "$TEST_TMP/follow.$i.pid")"
	ok $? "follower $i finished"
	is "$(sha256sum <"$TEST_TMP/ids.$i")" "$want" \
	    "follower $i got every tick after its cursor, once, in order"
	like "$(tail -1 "$TEST_TMP/follow.$i")" '^200:[0-9]+( 503:[0-9]+)? not_json:0 $' \
	    "follower $i saw only 200 and the JSON 503 ($(tail -1 "$TEST_TMP/follow.$i"))"
done
touch "$TEST_TMP/stop-checker"
wait "$checker"
bad=$(grep -v -e '^200 {"status":"ok","cursor":[0-9]*,"newest_tick_ts":[0-9]*,AGE}$' \
    -e "^503 $DOWN\$" "$TEST_TMP/checker.out" | grep -c .)
is "$bad" 0 "every health answer during the run was 200 or the JSON 503"
ok $(( $(grep -c '^503 ' "$TEST_TMP/checker.out") > 0 ? 0 : 1 )) \
    "the checker saw the outage ($(grep -c '^503 ' "$TEST_TMP/checker.out") of $(grep -c . "$TEST_TMP/checker.out") answers were 503)"
diag "wrk: $(grep -E 'Requests/sec|Non-2xx|Socket errors' "$TEST_TMP/wrk.out" | tr -s ' \n' ' ')"
done_testing
