#!/bin/bash
# What a network and a failover do to publish and replicate, caused on
# purpose by a proxy in front of Redis (rproxy.py): a reply lost after
# Redis took the entry (publish sends it again: Redis refuses it, and
# it is counted), and a failover to a replica that had not received the
# last entries (publish goes back to the new master's top and publishes
# them again, counted; the edge, which had them from the old master,
# skips what it has).  The edge equals the origin after each.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
cd "$TEST_TMP"
redis_start r1; P1=$REDIS_PORT
redis_start r2 "" "replicaof 127.0.0.1 $P1"; P2=$REDIS_PORT
REDIS_PORT=$P1
PX=$(stack_free_port) PD=$TEST_TMP/proxy
mkdir -p "$PD"; echo "$P1" > "$PD/upstream"
python3 "$ROOT/tests/replica/rproxy.py" "$PX" "$PD" 2> proxy.err &
on_exit "stack_kill_pidfile $PD/proxy.pid"
wait_for test -s "$PD/proxy.pid"
R=127.0.0.1:$PX
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db
"$ING" -q --db "$O" init
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
bg rep "$ING" --db "$E" replicate --redis "$R"
now=$(now_ms)
feed 1500 1 $((now - 3600000)) 100 > a.csv
"$ING" -q --db "$O" a.csv
wait_for caught_up "$O" "$E"; ok $? "through the proxy: the edge follows"

# A lost reply: Redis took entry 1600-0, publish never heard it did.
touch "$PD/drop_xadd"
feed 100 2 $((now - 1800000)) 100 > b.csv
"$ING" -q --db "$O" b.csv
wait_for test -e "$PD/dropped"; ok $? "the proxy swallowed the reply to XADD 1600-0"
wait_for caught_up "$O" "$E"; ok $? "the edge caught up"
like "$(cat pub.err)" "entry 1600-0 refused by Redis: the stream has it" \
    "publish sent it again and Redis refused it"
is "$(stream_chain)" ok "the stream holds it once"
is "$(rcli XLEN tickfeed)" 3 "three entries (1000, 1500, 1600)"

# A lossy failover: r2 (a replica) is promoted before it gets the next
# commit; the edge has read that commit from r1 already.
xlen_is() { [ "$(redis-cli -p "$1" XLEN tickfeed)" = "$2" ]; }
wait_for xlen_is $P2 3; ok $? "r2 has what r1 has"
redis-cli -p $P2 REPLICAOF NO ONE > /dev/null
feed 2200 3 $((now - 900000)) 100 > c.csv
"$ING" -q --db "$O" c.csv
wait_for caught_up "$O" "$E"; ok $? "the edge has the commit from r1"
is "$(rcli XLEN tickfeed):$(redis-cli -p $P2 XLEN tickfeed)" "6:3" \
    "r1 holds its three entries, r2 does not"
echo "$P2" > "$PD/upstream"; touch "$PD/cut"
REDIS_PORT=$P2
wait_for xlen_is $P2 6; ok $? "publish published them again on r2, before the next commit"
is "$(stream_entries | awk '{ print $1 }' | paste -sd' ')" \
    "1000-0 1500-0 1600-0 2600-0 3600-0 3800-0" "the same entries as on r1"
like "$(cat pub.err)" "publish: stream tickfeed ends at 1600-0, entries up to 3800-0 were published: publishing the rest again" \
    "publish says so"
feed 300 4 $((now - 600000)) 100 > d.csv
"$ING" -q --db "$O" d.csv
wait_for caught_up "$O" "$E"; ok $? "the edge follows r2"
same_store "$O" "$E" "after the failover"
is "$(stream_chain)" ok "r2's stream chains"
is "$(stream_entries | awk '{ n += $3 } END { print n }')" "$(cursor_of "$O")" \
    "and holds each tick once"
stop pub; is "$RC" 0 "publish exits 0"
is "$(cat pub.out)" "publish: 9 entries (6200 ticks, 0 prunes), re-published 4: 1 refused by Redis (already in the stream), 3 again after a failover lost them" \
    "publish counts both kinds of re-publish"
stop rep; is "$RC" 0 "replicate exits 0"
done_testing
