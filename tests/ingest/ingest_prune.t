#!/bin/bash
# prune --older-than DAYS: old raw ticks go, candles stay (every level),
# tick_count and meta follow; pruned_through_id never goes down.  A big
# prune runs in chunks of 10,000 ticks, one transaction each, while a
# live import goes on and the app answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
. "$ROOT/tests/golden/golden.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/p.db
now=$(($(date +%s) * 1000))
old=$((now - 10 * 86400000)) new=$((now - 3600000))
{
	echo "symbol,ts,price,size"
	for i in 0 1 2; do echo "A,$((old + i)),1.0$i,1"; echo "B,$((old + i)),2.0$i,1"; done
	for i in 0 1; do echo "A,$((new + i)),3.0$i,1"; done
} > p.csv
"$ING" -q --db "$DB" p.csv
candles=$(candles_kept "$DB")
maxold=$(q "$DB" "SELECT max(id) FROM ticks WHERE ts < $now - 7 * 86400000")
before=$(($(date +%s) * 1000))
out=$("$ING" --db "$DB" prune --older-than 7); rc=$?
after=$(($(date +%s) * 1000 + 999))
is "$rc" 0 "prune exits 0"
like "$out" "^prune: deleted 6 ticks older than [0-9]+ ms, pruned through id $maxold\$" "summary"
is "$(q "$DB" "SELECT group_concat(ts - $new) FROM ticks")" "0,1" "only the recent ticks remain"
is "$(q "$DB" "SELECT symbol, tick_count FROM symbols ORDER BY symbol")" "A|2
B|0" "tick_count lowered"
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$maxold" "pruned_through_id"
cut=$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_before_ts'")
ok "$([ "$cut" -ge $((before - 7 * 86400000)) ] && [ "$cut" -le $((after - 7 * 86400000)) ]; echo $?)" \
    "pruned_before_ts is now - 7 days"
is "$(candles_kept "$DB")" "$candles" "candles kept"
is "$(q "$DB" "SELECT last_price FROM symbols WHERE symbol = 'B'")" 202000000 "last_* kept"
# a late old tick imported afterwards gets a new id; pruning again must not lower the mark
printf 'symbol,ts,price\nC,%s,9\n' "$old" > late.csv
"$ING" -q --db "$DB" late.csv
late=$(q "$DB" "SELECT max(id) FROM ticks")
"$ING" -q --db "$DB" prune --older-than 7
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$late" "mark rises to the late tick"
done7=$(q "$DB" "SELECT group_concat(value) FROM (SELECT value FROM meta WHERE key IN ('pruned_before_ts', 'prune_done_ts', 'prune_done_id') ORDER BY key)")
cut7=$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_before_ts'")
is "$done7" "$late,$cut7,$cut7" \
    "a complete prune recorded as done: its cutoff and the newest id when it started"
"$ING" -q --db "$DB" prune --older-than 30
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$late" "never lowered"
is "$(q "$DB" "SELECT group_concat(value) FROM (SELECT value FROM meta WHERE key IN ('pruned_before_ts', 'prune_done_ts', 'prune_done_id') ORDER BY key)")" "$done7" \
    "a prune with a larger DAYS keeps the cutoff history already has"
is "$(q "$DB" "SELECT count(*) FROM ticks")" 2 "nothing else deleted"
"$ING" -q --db "$DB" prune --older-than 0
is "$(q "$DB" "SELECT count(*) || ',' || (SELECT sum(tick_count) FROM symbols) FROM ticks")" "0,0" "--older-than 0: all gone"
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$(q "$DB" "SELECT seq FROM sqlite_sequence WHERE name='ticks'")" "mark = newest id"
is "$(candles_kept "$DB")" "$(echo "$candles"; candles_kept "$DB" | grep '^3|')" "candles still kept"

# A big prune: 250,000 old ticks of one symbol (25 chunks), beside a live
# import of another symbol and the app answering throughout.
B=$TEST_TMP/big.db
awk -v t0=$((now - 40 * 86400000)) -v t1=$((now - 3600000)) 'BEGIN {
	print "symbol,ts,price,size"
	for (i = 0; i < 250000; i++) printf "OLD,%.0f,1.%02d,%d\n", t0 + i * 9000, i % 100, 1 + i % 7
	for (i = 0; i < 1000; i++) printf "OLD,%.0f,2.%02d,1\n", t1 + i, i % 100
}' > old.csv
awk -v t0=$((now - 1800000)) 'BEGIN {
	print "symbol,ts,price,size"
	for (i = 0; i < 100000; i++) printf "LIVE,%.0f,3.%02d,%d\n", t0 + i * 10, i % 100, 1 + i % 9
}' > live.csv
"$ING" -q --db "$B" old.csv
before=$(candles_kept "$B")
"$ING" -v --db "$B" prune --older-than 7 > prune.out 2> prune.err & ppid=$!
"$ING" -q --batch 500 --db "$B" live.csv & lpid=$!
answers=0 bad=0
while kill -0 "$ppid" 2> /dev/null; do
	a=$(golden_cgi "$B" GET "/api/v1/candles?symbol=OLD&interval=1d" | head -1)
	answers=$((answers + 1))
	[ "$a" = "status: 200" ] || bad=$((bad + 1))
done
wait "$ppid"; is "$?" 0 "the big prune exits 0"
wait "$lpid"; is "$?" 0 "the live import beside it exits 0"
like "$(cat prune.out)" "^prune: deleted 250000 ticks older than [0-9]+ ms, pruned through id 250000\$" \
    "deleted every old tick"
like "$(cat prune.err)" "prune: 2[89] transactions, [0-9]+ ms" \
    "in 28 transactions (one fixing cutoff and head, 25 of 10,000, one finding none, one recording it done), 29 if LIVE was there"
diag "$(cat prune.err)"
ok "$([ "$answers" -gt 0 ] && [ "$bad" -eq 0 ]; echo $?)" \
    "the app answered 200 all along ($answers requests during the prune, $bad not 200)"
is "$(q "$B" "SELECT symbol || ':' || tick_count FROM symbols ORDER BY symbol" | paste -sd' ')" \
    "LIVE:100000 OLD:1000" "tick_count of both"
is "$(q "$B" "SELECT count(*) FROM ticks")" 101000 "left: the live and the recent ticks"
is "$(candles_kept "$B" | grep '^1|' | md5sum)" "$(echo "$before" | md5sum)" "every OLD candle kept, unchanged"
is "$(candles_kept "$B" | grep '^2|' | md5sum)" "$(candles_from_ticks "$B" | grep '^2|' | md5sum)" \
    "the live symbol's candles, every level, exact"
is "$(q "$B" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" 250000 "mark"
is "$(q "$B" 'PRAGMA integrity_check')" ok "integrity_check"
done_testing
