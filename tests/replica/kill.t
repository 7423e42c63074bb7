#!/bin/bash
# kill -9 at any point: replicate killed again and again while it
# applies a big feed, publish killed while it publishes it; each rerun
# goes on from where the store (replicate) or the stream (publish)
# stands.  At the end the edge equals the origin, every tick is once in
# the stream and once in the edge, and the stream's entries chain.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
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
N=300000
feed $N 11 $((now - 86400000)) 200 40 > big.csv
"$ING" -q --batch 3000 --db "$O" big.csv & imp=$!

# Kill replicate (and once publish) at random points while the feed goes;
# after a kill that found no progress the next comes a little later (a
# slow build commits less often), so that kills land between commits too.
RANDOM=7 mid=0 kills=0 at="" last=0 extra=0
while [ "$(cursor_of "$E")" -lt $N ] && [ $kills -lt 30 ]; do
	sleep "$(printf '%d.%03d' $(((100 + RANDOM % 300 + extra) / 1000)) $(((100 + RANDOM % 300 + extra) % 1000)))"
	kill9 rep; kills=$((kills + 1))
	c=$(cursor_of "$E"); at="$at $c"
	[ "$c" -gt 0 ] && [ "$c" -lt $N ] && mid=$((mid + 1))
	if [ "$c" -eq "$last" ]; then extra=$((extra + 300)); else extra=0; fi
	last=$c
	if [ $kills -eq 3 ]; then
		kill9 pub
		pubat=$(rcli XREVRANGE tickfeed + - COUNT 1 | head -1)
		bg pub "$ING" --db "$O" publish --redis "$R"
	fi
	bg rep "$ING" --db "$E" replicate --redis "$R"
done
diag "replicate killed $kills times, the edge at cursors:$at; publish killed at entry $pubat"
wait $imp; is "$?" 0 "the import beside it exits 0"
ok "$([ $mid -ge 3 ]; echo $?)" "replicate was killed mid-feed ($mid times at a cursor between 0 and $N)"
ok "$([ "${pubat%-0}" -gt 0 ] && [ "${pubat%-0}" -lt $N ]; echo $?)" \
    "publish was killed mid-feed (the stream at $pubat)"
wait_for caught_up "$O" "$E"; ok $? "the edge caught up after the last rerun"
same_store "$O" "$E" "after $kills kills"
is "$(q "$E" 'SELECT count(*) || ",", count(DISTINCT id) FROM ticks')" "$N,|$N" \
    "the edge holds each of the $N ticks once"
is "$(stream_chain)" ok "the stream's entries chain: nothing doubled, nothing skipped"
is "$(stream_entries | awk '{ n += $3 } END { print n }')" $N \
    "and hold each tick once"
stop rep; is "$RC" 0 "replicate exits 0 on SIGTERM"
stop pub; is "$RC" 0 "publish exits 0 on SIGTERM"
like "$(cat pub.out)" "re-published 0: 0 refused" "the rerun of publish re-published nothing: it went on from the stream's top"
done_testing
