#!/bin/bash
# publish and replicate find the master through Sentinel and follow it
# through a failover: a real redis-sentinel watching a master and its
# replica (all on 127.0.0.1, their own configs, dirs and pid files); the
# master is stopped while the feed goes on; Sentinel promotes the
# replica; both commands reconnect to it and the edge ends equal to the
# origin.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
command -v redis-sentinel >/dev/null || skip_all "redis-sentinel not installed"
cd "$TEST_TMP"
redis_start r1 "" "repl-diskless-sync-delay 0"; P1=$REDIS_PORT
redis_start r2 "" "replicaof 127.0.0.1 $P1"; P2=$REDIS_PORT
SP=$(stack_free_port) SD=$TEST_TMP/sentinel
mkdir -p "$SD"
cat > "$SD/sentinel.conf" <<CONF
bind 127.0.0.1
port $SP
daemonize yes
pidfile $SD/sentinel.pid
logfile $SD/sentinel.log
dir $SD
sentinel monitor m 127.0.0.1 $P1 1
sentinel down-after-milliseconds m 1000
sentinel failover-timeout m 10000
CONF
redis-sentinel "$SD/sentinel.conf"
on_exit "stack_kill_pidfile $SD/sentinel.pid"
scli() { redis-cli -h 127.0.0.1 -p "$SP" "$@"; }
knows_replica() { scli SENTINEL replicas m | grep -qx "127.0.0.1:$P2"; }
STACK_WAIT_S=30 stack_wait_for knows_replica; ok $? "Sentinel knows the master and its replica"
S="--sentinel 127.0.0.1:$(stack_free_port),127.0.0.1:$SP --master m"
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db
"$ING" -q --db "$O" init
bg pub "$ING" --db "$O" publish $S
started pub
bg rep "$ING" --db "$E" replicate $S
now=$(now_ms)
feed 3000 1 $((now - 3600000)) 100 > a.csv
"$ING" -q --db "$O" a.csv
wait_for caught_up "$O" "$E"; ok $? "through Sentinel (its first address down): the edge follows"
like "$(cat pub.err)" "publish: .* to stream tickfeed at 127.0.0.1:$P1, from entry 0-0" "publish found the master"

# The master goes (once its replica has what it has); the feed does not wait.
in_sync() { [ "$(redis-cli -p $P2 XLEN tickfeed)" = "$(redis-cli -p $P1 XLEN tickfeed)" ] &&
	redis-cli -p $P2 INFO replication | grep -q '^master_link_status:up'; }
wait_for in_sync; ok $? "the replica is in sync"
redis_stop r1
"$ING" -q --db "$O" simulate --symbols S1,S9 --seed 2 --rate 500 --count 2000 --flush-ms 50
master_is() { [ "$(scli SENTINEL get-master-addr-by-name m | tail -1)" = "$1" ]; }
STACK_WAIT_S=30 stack_wait_for master_is "$P2"; ok $? "Sentinel promoted the replica"
STACK_WAIT_S=30 stack_wait_for caught_up "$O" "$E"; ok $? "publish and replicate followed it"
same_store "$O" "$E" "after the failover"
REDIS_PORT=$P2
is "$(stream_chain)" ok "the new master's stream chains"
is "$(stream_entries | awk '{ n += $3 } END { print n }')" 5000 "and holds each tick once"
like "$(cat pub.err)" "redis: connected again to 127.0.0.1:$P2" "publish says where it went"
like "$(cat rep.err)" "redis: connected again to 127.0.0.1:$P2" "so does replicate"
stop rep; is "$RC" 0 "replicate exits 0"
stop pub; is "$RC" 0 "publish exits 0"
diag "$(cat pub.out)"
done_testing
