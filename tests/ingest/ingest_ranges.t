#!/bin/bash
# ticks?from=&to= bounds its id scan with the candles' first_id/last_id
# (cgi-bin/ep_ticks.c, interval_cover()): on a store of shuffled ticks
# (late ticks in every batch, over three weeks) and after a prune, every
# answer must list exactly the ids a full scan finds, with the same
# next/more, for ranges from a millisecond to all time, with and
# without since, paged.  And the plans: the bounds read the candles'
# primary key, the ticks the (symbol_id, id) index.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
. "$ROOT/tests/golden/golden.sh"
[ -x "$BIN/tickfeed.fcgi" ] || skip_all "no $BIN/tickfeed.fcgi (run make)"
cd "$TEST_TMP"
DB=$TEST_TMP/r.db

T0=1764288000000	# 2025-11-28T00:00Z, a Friday
gen_csv 60000 5 30011 > sorted.csv	# 3 weeks
{ head -1 sorted.csv; tail -n +2 sorted.csv | shuf --random-source=<(yes); } > feed.csv
"$ING" -q --batch 500 --db "$DB" feed.csv; is "$?" 0 "stored 60,000 shuffled ticks"
# plus ticks far in the past that arrive last: the newest ids, oldest ts
printf 'symbol,ts,price,size\nS3,%s,1.00,1\nS3,%s,2.00,1\n' $((T0 - 86400000 * 30)) $((T0 + 1)) > late.csv
"$ING" -q --db "$DB" late.csv; is "$?" 0 "two very late ticks"

# expect DB SYMBOL FROM TO SINCE LIMIT: the answer's ticks part by SQL.
expect() {
	q "$1" "WITH s AS (SELECT t.id, t.ts, t.price, t.size FROM ticks t
	    JOIN symbols y ON y.id = t.symbol_id WHERE y.symbol = '$2'
	    AND t.ts >= $3 AND t.ts < $4 AND t.id > $5 ORDER BY t.id LIMIT $6 + 1),
	    p AS (SELECT * FROM s ORDER BY id LIMIT $6)
	    SELECT coalesce((SELECT group_concat(id) FROM p), '') || ' next=' ||
	    coalesce((SELECT max(id) FROM p), $5) || ' more=' ||
	    ((SELECT count(*) FROM s) > $6)"
}
# served DB SYMBOL FROM TO SINCE LIMIT: the same read from the app
# (since=0: not given).
served() {
	local s="&since=$5"
	[ "$5" = 0 ] && s=
	golden_cgi "$1" GET "/api/v1/ticks?symbol=$2&from=$3&to=$4$s&limit=$6" |
	    tail -1 | python3 -c '
import json, sys
a = json.load(sys.stdin)
print(",".join(str(t["id"]) for t in a["ticks"]), "next=%d more=%d" % (a["next"], a["more"]))'
}

# check_ranges DB SEED: 60 random ranges, all must match; since, when
# given, at or above the pruned mark (below it is 410).
check_ranges() {
	local i from to since lim sym bad=0 span pruned top
	pruned=$(q "$1" "SELECT value FROM meta WHERE key = 'pruned_through_id'")
	top=$(q "$1" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'")
	RANDOM=$2
	for i in $(seq 60); do
		sym=S$((RANDOM % 7))
		case $((i % 6)) in
		0) span=1 ;; 1) span=$((RANDOM * 7)) ;; 2) span=$((RANDOM * 600)) ;;
		3) span=$((RANDOM * 30000)) ;; 4) span=$((RANDOM * 60000 + 1)) ;;
		5) span=$((86400000 * 400)) ;;
		esac
		from=$((T0 + 34200000 + ((RANDOM << 15 | RANDOM) * 2) % (22 * 86400000) - 86400000))
		[ $((i % 6)) -eq 5 ] && from=$((T0 - 86400000 * 31))
		to=$((from + span))
		since=0; [ $((i % 4)) -eq 3 ] && since=$((pruned + RANDOM % (top - pruned + 1)))
		lim=$((1 + RANDOM % 300))
		got=$(served "$1" "$sym" "$from" "$to" "$since" "$lim")
		want=$(expect "$1" "$sym" "$from" "$to" "$since" "$lim")
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			diag "$sym from=$from to=$to since=$since limit=$lim"
			diag "  got:  ${got:0:200}"
			diag "  want: ${want:0:200}"
		fi
	done
	is "$bad" 0 "$WHAT: 60 ranges, each exactly the ids of a full scan"
}
WHAT="shuffled store" check_ranges "$DB" 1
like "$(served "$DB" S3 $((T0 - 86400000 * 31)) $((T0 - 86400000 * 29)) 0 10)" \
    '^[0-9]+ next=[0-9]+ more=0$' "the oldest tick, stored last, is found"
is "$(served "$DB" S3 $((T0 - 86400000 * 31)) $((T0 - 86400000 * 29)) 0 10 | cut -d' ' -f1)" \
    "$(q "$DB" "SELECT max(id) - 1 FROM ticks")" "by its id"

# paging through a range with since=next ends on the full list
pages() {
	local since=0 out ids="" more=1
	while [ "$more" = 1 ]; do
		out=$(served "$DB" S2 $((T0 + 86400000 * 3)) $((T0 + 86400000 * 4 + 5000)) "$since" 97)
		[ -n "${out%% *}" ] && ids="$ids${ids:+,}${out%% *}"
		since=$(echo "$out" | sed 's/.*next=\([0-9]*\).*/\1/')
		more=${out##*more=}
	done
	echo "$ids"
}
is "$(pages)" "$(expect "$DB" S2 $((T0 + 86400000 * 3)) $((T0 + 86400000 * 4 + 5000)) 0 100000 | cut -d' ' -f1)" \
    "paging a day with since=next lists the day"

"$ING" -q --db "$DB" prune --older-than $(( ($(date +%s) * 1000 - T0) / 86400000 - 10 ))
ok "$([ "$(q "$DB" 'SELECT count(*) FROM ticks')" -lt 60000 ]; echo $?)" "a prune took ticks"
WHAT="after a prune" check_ranges "$DB" 2

plan() { q "$DB" "EXPLAIN QUERY PLAN $1" | tail -n +2 | tr -d '|`-' | sed 's/^ *//' | paste -sd';'; }
is "$(plan "SELECT id, ts, price, size FROM ticks WHERE symbol_id = 1 AND id > 5 AND id <= 9000 AND +ts >= 1 AND +ts < 5 ORDER BY id LIMIT 101")" \
    "SEARCH ticks USING INDEX ticks_symbol_id (symbol_id=? AND id>? AND id<?)" "plan: ticks by (symbol_id, id) range"
is "$(plan "SELECT min(first_id), max(last_id) FROM candles WHERE symbol_id = 1 AND iv = 60 AND t >= 5 AND t < 7")" \
    "SEARCH candles USING PRIMARY KEY (symbol_id=? AND iv=? AND t>? AND t<?)" "plan: bounds by the candles' key"
done_testing
