#!/bin/bash
# The shared answer cache through nginx, with the real ingest tool
# committing: an answer is computed once for the whole process (not once
# per worker), survives commits of other symbols (same bytes, same ETag,
# its cursor left where it was), and is computed again, once, when its
# own symbol gets a tick, history is pruned or the store's zone changes.  The counts come from the
# app's metrics (tickfeed_cache_events_total).
. "$(dirname "$0")/../lib.sh"
test_stack
INGEST=$BIN/tickfeed-ingest
db=$TEST_TMP/ticks.db

printf 'symbol,ts,price,size\nAAPL,1704240000000,189.10,100\nMSFT,1704240000500,370.12,5\nAAPL,1704240060000,189.20,7\n' >"$TEST_TMP/a.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/a.csv"
ok $? "three ticks imported"
TICKFEED_THREADS=4 stack_start_app "$db" >/dev/null
ok $? "app started, four workers"
stack_start_nginx >/dev/null
ok $? "nginx started"
U=$STACK_URL/api/v1
C="$U/candles?symbol=AAPL&interval=1d"
Q="$U/quotes?symbols=AAPL"

# event NAME: the cache counter for NAME.
event() {
	curl -s "$U/metrics" |
	    sed -n "s/^tickfeed_cache_events_total{event=\"$1\"} //p"
}
# etags N URL: the distinct ETags of N requests, one a line.
etags() {
	local i
	for i in $(seq "$1"); do
		curl -s -D - -o /dev/null "$2" | tr -d '\r' | sed -n 's/^ETag: //Ip'
	done | sort -u
}
# burst N URL: N requests at once; prints their distinct bodies' count.
burst() {
	local i
	for i in $(seq "$1"); do curl -s -o "$TEST_TMP/burst.$i" "$2" & done
	wait
	cat "$TEST_TMP"/burst.* | sort -u | wc -l
	rm -f "$TEST_TMP"/burst.*
}

body1=$(curl -s "$C")
is "$body1" '{"cursor":3,"symbol":"AAPL","interval":"1d","tz":"UTC","candles":[{"t":1704240000000,"open":189.10,"high":189.20,"low":189.10,"close":189.20,"volume":107,"trades":2,"vwap":189.11,"live":false}],"next":1704240000000,"more":false}' \
    "candles: the answer"
c0=$(event computed)
is "$(etags 40 "$C" | wc -l)" 1 "40 requests, every worker: one ETag"
is "$(event computed)" "$c0" "and nothing computed again: one answer for the process"

printf 'symbol,ts,price,size\nMSFT,1704240070000,370.50,9\n' >"$TEST_TMP/b.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/b.csv"
ok $? "an MSFT tick committed (cursor 4)"
is "$(burst 16 "$C")" 1 "16 requests at once after the MSFT commit: one body"
is "$(curl -s "$C")" "$body1" "AAPL's candles unchanged, their cursor too (3: consistent for AAPL up to now)"
is "$(event computed)" "$c0" "an MSFT commit makes no worker compute AAPL's candles"

printf 'symbol,ts,price,size\nAAPL,1704240120000,189.35,10\n' >"$TEST_TMP/c.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/c.csv"
ok $? "an AAPL tick committed (cursor 5)"
is "$(burst 16 "$C")" 1 "16 requests at once after the AAPL commit: one body"
is "$(curl -s "$C")" '{"cursor":5,"symbol":"AAPL","interval":"1d","tz":"UTC","candles":[{"t":1704240000000,"open":189.10,"high":189.35,"low":189.10,"close":189.35,"volume":117,"trades":3,"vwap":189.13,"live":false}],"next":1704240000000,"more":false}' \
    "the new answer, its cursor the newest id"
is "$(event computed)" "$((c0 + 1))" "computed once for the 17 requests and the four workers"
is "$(etags 40 "$C" | wc -l)" 1 "then one ETag on every worker"

# quotes of a list: a commit of a symbol not in it changes nothing.
q1=$(curl -s "$Q")
c1=$(event computed)
"$INGEST" -q --db "$db" "$TEST_TMP/b.csv" >/dev/null	# all duplicates
printf 'symbol,ts,price,size\nIBM,1704240130000,160.01,1\n' >"$TEST_TMP/d.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/d.csv"
is "$(curl -s "$Q")" "$q1" "quotes of AAPL: unchanged by an IBM commit"
is "$(event computed)" "$c1" "and not computed again"
like "$(curl -s "$U/symbols")" '^\{"cursor":6,.*"symbol":"IBM"' \
    "symbols (about every symbol) follows every commit"

# A prune changes what ticks answers may say (410 below it): computed again.
t1=$(curl -s "$U/ticks?symbol=AAPL")
"$INGEST" -q --db "$db" prune --older-than 1
ok $? "every tick older than a day pruned"
like "$(curl -s "$U/ticks?symbol=AAPL")" '^\{"cursor":6,"symbol":"AAPL","ticks":\[\],' \
    "ticks after the prune: none left (the answer was not served from before)"
ok $([ "$t1" != "$(curl -s "$U/ticks?symbol=AAPL")" ]; echo $?) "a different answer than before the prune"

# set-tz rebuilds the days without a tick: every answer is computed again.
c2=$(event computed)
"$INGEST" -q --db "$db" set-tz America/New_York
ok $? "the store's zone set to America/New_York"
is "$(curl -s "$C")" '{"cursor":6,"symbol":"AAPL","interval":"1d","tz":"America/New_York","candles":[{"t":1704171600000,"open":189.10,"high":189.35,"low":189.10,"close":189.35,"volume":117,"trades":3,"vwap":189.13,"live":false}],"next":1704171600000,"more":false}' \
    "candles 1d: New York's day of 2024-01-02 (from 05:00Z), no tick since"
is "$(event computed)" "$((c2 + 1))" "computed once"
done_testing
