#!/bin/bash
# Another writer holds the database's write lock for 10 s (sqlite3 in a
# BEGIN IMMEDIATE transaction).  Meanwhile the API, behind a real nginx,
# keeps answering from the last commit (WAL readers do not wait for
# writers), and an ingest started during the hold waits for the lock
# (busy timeout) instead of failing, then commits once it is free: both
# writers' rows are there, nothing lost.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack
HOLD=10
db=$TEST_TMP/ticks.db

faults_feed "$TEST_TMP/a.csv" 1000 1
"$INGEST" --db "$TEST_TMP/scratch.db" simulate --print csv --count 1000 \
    --rate 0 --seed 2 --start-ts $((FAULTS_T0 + 60000)) --step-ms 1 \
    --symbols AAPL,MSFT,EURUSD >"$TEST_TMP/b.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/a.csv"
ok $? "first 1000 ticks imported"
stack_start_app "$db" >/dev/null
ok $? "app started"
stack_start_nginx >/dev/null
ok $? "nginx started"
url=$STACK_URL/api/v1

# locked: 0 when a write lock cannot be had right now.
locked() {
	! sqlite3 "$db" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' \
	    >/dev/null 2>&1
}

{ echo 'BEGIN IMMEDIATE;'
  echo "INSERT INTO meta (key, value) VALUES ('fault_hold', 1);"
  sleep "$HOLD"
  echo 'COMMIT;'; } | sqlite3 "$db" &
holder=$!
stack_wait_for locked
ok $? "the other writer holds the write lock"

"$INGEST" --db "$db" "$TEST_TMP/b.csv" >"$TEST_TMP/ingest.out" 2>&1 &
ingest=$!

answered=0 right_cursor=0
for i in $(seq 10); do
	for ep in symbols 'quotes?symbols=AAPL,MSFT' 'ticks?symbol=AAPL&limit=5' health; do
		r=$(faults_get "$url/$ep")
		[ "${r%% *}" = 200 ] && answered=$((answered + 1))
		[[ $r == *'"cursor":1000'* ]] && right_cursor=$((right_cursor + 1))
	done
done
kill -0 "$holder" 2>/dev/null
ok $? "the requests were made while the lock was held"
is "$answered" 40 "the API answered 40 of 40 requests with 200 during the hold"
is "$right_cursor" 40 "every answer is consistent with the last commit (cursor 1000)"
kill -0 "$ingest" 2>/dev/null
ok $? "the ingest is waiting for the lock, not failed"
is "$(faults_count "$db")" 1000 "nothing of the waiting ingest is visible yet"

wait "$holder"
ok $? "the other writer committed"
wait "$ingest"
rc=$?
is "$rc" 0 "the ingest then committed and exited 0"
is "$(cat "$TEST_TMP/ingest.out")" "$TEST_TMP/b.csv: read 1000, stored 1000, duplicate 0, rejected 0" \
    "the ingest stored all of its 1000 ticks"
is "$(faults_count "$db")" 2000 "2000 ticks: nothing lost"
is "$(sqlite3 -readonly "$db" "SELECT value FROM meta WHERE key = 'fault_hold'")" 1 \
    "the other writer's row is there too"
is "$(faults_consistent "$db")" ok "counts and candles agree"
r=$(faults_get "$url/health")
like "$r" '^200 \{"status":"ok","cursor":2000,' "the API sees the new commit"
done_testing
