#!/bin/bash
# prune --older-than DAYS: old raw ticks go, candles stay, tick_count and
# meta follow; pruned_through_id never goes down.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
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
"$ING" -q --db "$DB" prune --older-than 30
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$late" "never lowered"
is "$(q "$DB" "SELECT count(*) FROM ticks")" 2 "nothing else deleted"
"$ING" -q --db "$DB" prune --older-than 0
is "$(q "$DB" "SELECT count(*) || ',' || (SELECT sum(tick_count) FROM symbols) FROM ticks")" "0,0" "--older-than 0: all gone"
is "$(q "$DB" "SELECT value FROM meta WHERE key = 'pruned_through_id'")" "$(q "$DB" "SELECT seq FROM sqlite_sequence WHERE name='ticks'")" "mark = newest id"
done_testing
