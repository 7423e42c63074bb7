#!/bin/bash
# publish -> a real redis-server -> replicate: an edge holds the origin's
# store byte for byte (ticks, candles at every level, symbols, meta but
# the edge's own position keys): an empty edge from the origin's first
# commit, and one seeded with snapshot in the middle.  The feed has a
# commit bigger than an entry, late ticks, a re-import (duplicates only),
# a prune, and old ticks after the prune (kept, on the origin as on the
# edges).  The stream holds one entry per commit (split at 1000 ticks),
# each naming the one before it.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
cd "$TEST_TMP"
redis_start r
R=127.0.0.1:$REDIS_PORT
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db S=$TEST_TMP/seeded.db
"$ING" -q --db "$O" init
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
bg rep "$ING" --db "$E" replicate --redis "$R"
sleep 1.5	# the empty edge records a beat before anything comes
like "$(app_cgi "$E" /api/v1/health)" '^200 .*"replica":\{"state":"following","position":"0-0",' \
    "an empty edge that follows: health ok, at 0-0"
is "$(meta_of "$E" replica_pos_ms)" "" "but it has no position before it takes an epoch"
now=$(now_ms) day=86400000
sync_edge() { wait_for caught_up "$O" "$E"; }

# One commit of 2500 ticks: three entries.
feed 2500 1 $((now - 3600000)) 100 > a.csv
"$ING" -q --db "$O" a.csv
sync_edge; ok $? "the empty edge followed the first commit"
is "$(stream_entries | awk '{ print $1, $2, $3 }' | paste -sd' ')" \
    "1000-0 0-0 1000 2000-0 1000-0 1000 2500-0 2000-0 500" \
    "2500 ticks: three entries, ID = cursor, each naming the one before"
is "$(meta_of "$E" epoch)" "$(meta_of "$O" epoch)" "the edge took the origin's epoch"

# Late ticks (older than their symbols' newest), then the same file again.
feed 700 2 $((now - 7200000)) 50 > late.csv
"$ING" -q --db "$O" late.csv
"$ING" -q --db "$O" late.csv a.csv
sync_edge; ok $? "late ticks: the edge still equals the origin"
is "$(rcli XLEN tickfeed)" 4 "a re-import of stored ticks publishes nothing"

# A snapshot in the middle of the feed, while ticks keep coming.
"$ING" -q --db "$O" simulate --symbols S0,S7 --seed 9 --rate 3000 --count 6000 \
    --flush-ms 20 & sim=$!
sleep 0.7
"$ING" --db "$O" snapshot "$S" > snap.out; is "$?" 0 "snapshot exits 0"
wait $sim
like "$(cat snap.out)" "^snapshot: $S at cursor [0-9]+\$" "snapshot says where it stands"
scur=$(cursor_of "$S")
is "$(meta_of "$S" replica_pos_ms)-$(meta_of "$S" replica_pos_seq)" "$scur-0" \
    "the copy's position is its cursor"
is "$(meta_of "$S" replica_state)" 1 "the copy: replicate stopped (not yet run)"
is "$(q "$S" 'PRAGMA integrity_check')" ok "the copy is a sound store"
ok "$([ "$scur" -gt 3200 ] && [ "$scur" -lt "$(cursor_of "$O")" ]; echo $?)" \
    "taken while the feed went on (at cursor $scur of $(cursor_of "$O"))"

# Old ticks, a prune of everything older than 7 days, old ticks again.
feed 1500 4 $((now - 10 * day)) 60000 > old.csv
"$ING" -q --db "$O" old.csv
sync_edge; ok $? "old ticks replicated"
"$ING" -q --db "$O" prune --older-than 7
sync_edge; ok $? "after the prune the edge equals the origin"
is "$(q "$E" "SELECT count(*) FROM ticks WHERE ts < $now - 7 * $day")" 0 \
    "the edge pruned the old ticks"
is "$(meta_of "$E" pruned_through_id)" "$(meta_of "$O" pruned_through_id)" \
    "the same pruned_through_id: the same 410s"
like "$(stream_entries | tail -1)" "^$(cursor_of "$O")-1 $(cursor_of "$O")-0 0 [0-9]+,$(cursor_of "$O")\$" \
    "the prune travelled as an entry of its own (SEQ 1, no ticks)"
feed 200 5 $((now - 9 * day)) 1000 > oldlate.csv
"$ING" -q --db "$O" oldlate.csv
sync_edge; ok $? "old ticks after the prune: kept on both"
is "$(q "$O" "SELECT count(*) FROM ticks WHERE ts < $now - 7 * $day")" 200 \
    "the origin kept them (a later prune takes them)"
same_store "$O" "$E" "the empty edge, at the end"
is "$(stream_chain)" ok "every entry names the one before it"

# The seeded edge catches up from its snapshot's position.
bg rep2 "$ING" --db "$S" replicate --redis "$R"
wait_for caught_up "$O" "$S"; ok $? "the seeded edge caught up"
same_store "$O" "$S" "the seeded edge"
stop rep2; is "$RC" 0 "SIGTERM: replicate exits 0"
like "$(cat rep2.out)" "^replicate: [0-9]+ entries \\([0-9]+ ticks, 1 prunes of 1500 ticks\\), at entry $(cursor_of "$O")-0\$" \
    "and says what it applied"
is "$(meta_of "$S" replica_state)" 1 "its state: stopped"

stop rep; is "$RC" 0 "the first edge's replicate exits 0"
stop pub; is "$RC" 0 "SIGTERM: publish exits 0"
is "$(cat pub.out)" "publish: $(rcli XLEN tickfeed) entries ($(q "$O" 'SELECT seq FROM sqlite_sequence') ticks, 1 prunes), re-published 0: 0 refused by Redis (already in the stream), 0 again after a failover lost them" \
    "publish counts what it published"
done_testing
