#!/bin/bash
# The ingest tool SIGKILLed at 50 random points of a large import, rerun
# after each kill.  After every kill: PRAGMA integrity_check is ok and no
# batch is half there (ticks, symbols.tick_count and the candles' trades
# agree).  After the last rerun: exactly the source set (and exactly the
# candles) of one clean import, each tick once.
#
# The kill points are random tick counts, 50 of them, sorted, in
# (0, N): each run (reading the feed from a pipe) is watched (a read-only sqlite3 polling the cursor)
# and killed once the store holds at least that many ticks, after a
# further random 0-9 ms (about one batch) so that the kill lands anywhere
# in a batch: building it, inserting it or committing it.  A point the
# store has already passed kills the rerun while it skips duplicates.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"

N=${KILL_TICKS:-150000}
KILLS=50
BATCH=1000
[ -x "$INGEST" ] || { echo "not ok 1 - $INGEST built"; exit 1; }

faults_feed "$TEST_TMP/feed.csv" "$N" 11
is "$(($(wc -l <"$TEST_TMP/feed.csv") - 1))" "$N" "feed of $N ticks"

"$INGEST" -q --db "$TEST_TMP/ref.db" --batch "$BATCH" "$TEST_TMP/feed.csv"
ok $? "reference: one clean import"

# stored DB: ticks the store holds now (the cursor), 0 before the first.
stored() {
	sqlite3 -readonly "$1" "SELECT coalesce((SELECT seq FROM
	    sqlite_sequence WHERE name = 'ticks'), 0)" 2>/dev/null || echo 0
}

mapfile -t points < <(python3 -c '
import random, sys
n, k = int(sys.argv[1]), int(sys.argv[2])
print("\n".join(map(str, sorted(random.sample(range(1, n), k)))))' "$N" "$KILLS")
is "${#points[@]}" "$KILLS" "$KILLS random kill points"

db=$TEST_TMP/killed.db
killed=0 bad_integrity=0 bad_batches=0 went_back=0 prev=0 distinct=0
# The tool reads the feed from a pipe that stays open after the last line,
# so that it is still running, however late the watcher is, when its
# kill comes.
mkfifo "$TEST_TMP/feed.pipe"
for p in "${points[@]}"; do
	( cat "$TEST_TMP/feed.csv"; exec sleep 120 ) >"$TEST_TMP/feed.pipe" &
	feeder=$!
	"$INGEST" -q --db "$db" --batch "$BATCH" - <"$TEST_TMP/feed.pipe" \
	    >>"$TEST_TMP/ingest.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$(stored "$db")" -lt "$p" ]; do
		sleep 0.005
	done
	sleep "0.00$((RANDOM % 10))"
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		[ $? -eq 137 ] && killed=$((killed + 1))
	else
		wait "$pid"; diag "run ended before its kill point $p"
	fi
	kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null
	[ "$(faults_integrity "$db")" = ok ] || bad_integrity=$((bad_integrity + 1))
	c=$(faults_consistent "$db")
	[ "$c" = ok ] || { bad_batches=$((bad_batches + 1)); diag "after kill at $p: $c"; }
	now=$(faults_count "$db")
	[ "$now" -lt "$prev" ] && went_back=$((went_back + 1))
	[ "$now" -ne "$prev" ] && distinct=$((distinct + 1))
	prev=$now
done
is "$killed" "$KILLS" "SIGKILLed $KILLS times while importing"
is "$bad_integrity" 0 "integrity_check ok after every kill"
is "$bad_batches" 0 "no partial batch after any kill"
is "$went_back" 0 "the store never lost committed ticks"
diag "$distinct kills left a new stored count"
diag "stored after the last kill: $prev of $N"

out=$("$INGEST" --db "$db" --batch "$BATCH" "$TEST_TMP/feed.csv" 2>&1)
ok $? "rerun to the end exits 0"
like "$out" "read $N, stored [0-9]+, duplicate [0-9]+, rejected 0" "rerun reports every line"
is "$(faults_integrity "$db")" ok "integrity_check ok at the end"
faults_exact "$db" "$TEST_TMP/ref.db" "$N"
is "$(faults_consistent "$db")" ok "counts and candles agree"
is "$(sqlite3 -readonly "$db" 'SELECT count(*) FROM (SELECT 1 FROM ticks
    GROUP BY symbol_id, ts, nkey HAVING count(*) > 1)')" 0 "no tick twice"
done_testing
