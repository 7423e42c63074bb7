#!/bin/bash
# Bad input on the replication path gets a clear message naming what and
# where, a distinct exit code, nothing written to the edge but the state
# that says why (meta replica_state), and health saying it: a stream
# trimmed past the edge (7), an entry of another origin (8), a malformed
# entry (9), an edge that is no edge (10), Redis unreachable at start
# (6).  publish likewise: another origin's stream (8), ticks pruned
# before they were published (7), a stream ahead of the store (10), a
# malformed top (9).  An edge holding another tick or symbol than the
# stream's stops (10).  --maxlen keeps the stream about that long, and
# the seeding of a lost edge with snapshot is the way back.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
cd "$TEST_TMP"
redis_start r
R=127.0.0.1:$REDIS_PORT
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db
"$ING" -q --db "$O" init
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
now=$(now_ms)
feed 1500 1 $((now - 3600000)) 100 > a.csv
"$ING" -q --db "$O" a.csv
"$ING" -q --db "$O" snapshot "$E"
edge_sum() { store_hash "$1"; meta_of "$1" replica_pos_ms; meta_of "$1" replica_pos_seq; }
health() { app_cgi "$1" /api/v1/health; }
like "$(health "$E")" '^200 \{"status":"ok","cursor":1500,.*,"replica":\{"state":"stopped","position":"1500-0","lag_ms":[0-9]+,"max_lag_ms":15000\}\}$' \
    "a fresh snapshot: health ok, replicate stopped"

# A stream trimmed past the edge.
feed 2500 2 $((now - 1800000)) 100 > b.csv
"$ING" -q --db "$O" b.csv
eventually 4000-0 top_of; ok $? "published up to 4000-0"
rcli XTRIM tickfeed MAXLEN 1 > /dev/null
before=$(edge_sum "$E")
"$ING" --db "$E" replicate --redis "$R" > out 2> err; is "$?" 7 "trimmed past the edge: exit 7"
is "$(tail -1 err)" "tickfeed-ingest: replicate: stream tickfeed entry 4000-0 follows 3500-0, this edge is at 1500-0: the stream no longer holds the entries between (trimmed past this edge): seed it again with tickfeed-ingest snapshot" \
    "the message names the entries and the way out"
is "$(edge_sum "$E")" "$before" "nothing written"
is "$(meta_of "$E" replica_state)" 3 "but the state: gap"
is "$(health "$E")" '503 {"error":{"code":"replica_stopped","message":"replicate stopped (gap) at stream entry 1500-0: the stream no longer holds the entry after this edge'"'"'s position (trimmed, or published from later on): seed the edge again with tickfeed-ingest snapshot"}}' \
    "health: 503, saying why"
like "$(app_cgi "$E" /api/v1/metrics | tr '\n' ' ')" 'tickfeed_replica 1 .*tickfeed_replication_state\{state="gap"\} 1 ' \
    "metrics: the gap state"
rm -f "$E"
"$ING" -q --db "$O" snapshot "$E"; is "$?" 0 "seed the lost edge again"
bg rep "$ING" --db "$E" replicate --redis "$R"
"$ING" -q --db "$O" simulate --symbols S1 --count 10 --rate 0 --seed 3
wait_for caught_up "$O" "$E"; ok $? "and it follows"
stop rep

# A stream of another origin.
O2=$TEST_TMP/other.db
"$ING" -q --db "$O2" simulate --symbols XX --count 5000 --rate 0 --seed 4
"$ING" --db "$O2" publish --redis "$R" > out 2> err; is "$?" 8 "publish into another origin's stream: exit 8"
like "$(cat err)" "publish: stream tickfeed: top entry [0-9]+-0 comes from epoch $(meta_of "$O" epoch), this store is epoch $(meta_of "$O2" epoch): another origin publishes there" \
    "saying whose it is"
bg pub2 "$ING" --db "$O2" publish --redis "$R" --stream other
started pub2
"$ING" -q --db "$O2" simulate --symbols XX --count 5 --rate 0 --seed 5
eventually 5005-0 top_of other
before=$(edge_sum "$E")
"$ING" --db "$E" replicate --redis "$R" --stream other > out 2> err; is "$?" 8 "an edge on another origin's stream: exit 8"
like "$(cat err)" "replicate: stream other entry 5005-0 comes from epoch $(meta_of "$O2" epoch), this edge's origin is epoch $(meta_of "$O" epoch): another store publishes there" \
    "saying both epochs"
is "$(edge_sum "$E")" "$before" "nothing written"
like "$(health "$E")" '^503 \{"error":\{"code":"replica_stopped","message":"replicate stopped \(foreign_epoch\) at stream entry [0-9]+-0: an entry came from another store' \
    "health says foreign_epoch"
stop pub2

# A malformed entry after a good one: the good one is applied.
bg rep "$ING" --db "$E" replicate --redis "$R"
wait_for caught_up "$O" "$E"
stop rep
"$ING" -q --db "$O" simulate --symbols S2 --count 3 --rate 0 --seed 6
c=$(cursor_of "$O")
eventually "$c-0" top_of
rcli XADD tickfeed "$((c + 1))-0" v 2 epoch "$(meta_of "$O" epoch)" prev "$c-0" \
    t 1 prune 0,0 tz UTC syms 1:S0:2 ticks "1,2,3" > /dev/null
"$ING" --db "$E" replicate --redis "$R" > out 2> err; is "$?" 9 "a malformed entry: exit 9"
is "$(tail -1 err)" "tickfeed-ingest: replicate: stream tickfeed entry $((c + 1))-0: ticks: line 1: want SYMBOL_ID,TS,PRICE,SIZE,NKEY and a newline, the symbol listed in syms, each number in range; nothing of it was written" \
    "the message names the entry, the field and the line"
same_store "$O" "$E" "the good entry before it was applied"
is "$(meta_of "$E" replica_pos_ms)-$(meta_of "$E" replica_pos_seq)" "$c-0" "the edge stands before the bad entry"
like "$(health "$E")" '^503 .*"replicate stopped \(malformed_entry\) at stream entry '"$c"'-0: a stream entry did not parse' \
    "health says malformed_entry"
pid=$(cat pub.pid)
wait_for test ! -d "/proc/$pid"; ok $? "publish stopped when the top of its stream went bad"
wait "$pid"; is "$?" 9 "exit 9"
like "$(cat pub.err)" "publish: stream tickfeed: top entry $((c + 1))-0: ticks: line 1: " "saying which"
rcli XDEL tickfeed "$((c + 1))-0" > /dev/null
bg pub "$ING" --db "$O" publish --redis "$R"
started pub

# Ticks pruned at the origin before publish saw them.
stop pub
feed 50 7 $((now - 30 * 86400000)) 1000 > old.csv
"$ING" -q --db "$O" old.csv
"$ING" -q --db "$O" prune --older-than 7
"$ING" --db "$O" publish --redis "$R" > out 2> err; is "$?" 7 "ticks pruned before they were published: exit 7"
like "$(cat err)" "publish: tick id $((c + 1)) was pruned at the origin before it was published: the edges cannot rebuild its candles; reset the stream and seed every edge again" \
    "naming the first tick missing"

# A stream ahead of its store (a store put back from an older copy).
rcli DEL tickfeed > /dev/null
"$ING" -q --db "$O" snapshot old-copy.db
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
"$ING" -q --db "$O" simulate --symbols S3 --count 5 --rate 0 --seed 8
eventually "$(cursor_of "$O")-0" top_of
stop pub
"$ING" --db old-copy.db publish --redis "$R" > out 2> err; is "$?" 10 "the stream ahead of the store: exit 10"
like "$(cat err)" "the stream is at cursor $(cursor_of "$O"), the store only at $((c + 50)): this is not the store the stream came from" \
    "saying both cursors"

# An edge that is no edge, and writing to an edge.
"$ING" --db "$O2" replicate --redis "$R" > out 2> err; is "$?" 10 "replicate into a store with ticks but no position: 10"
like "$(cat err)" "holds ticks but is no edge \\(it has no stream position\\): seed edges with tickfeed-ingest snapshot" "saying so"
before=$(edge_sum "$E")
"$ING" --db "$E" a.csv > out 2> err; is "$?" 4 "importing into an edge: refused"
like "$(cat err)" "$E is an edge \\(a replica of an origin's stream\\): only tickfeed-ingest replicate writes it" "saying so"
"$ING" -q --db "$E" prune --older-than 0; is "$?" 4 "pruning an edge: refused"
is "$(edge_sum "$E")" "$before" "the edge is untouched"

# Redis unreachable at start.
down=$(stack_free_port) F=$TEST_TMP/fresh.db
"$ING" --db "$O" publish --redis "127.0.0.1:$down" > out 2> err; is "$?" 6 "publish, Redis down: exit 6"
is "$(cat err)" "tickfeed-ingest: publish: Redis unreachable: 127.0.0.1:$down: Connection refused" "the message"
"$ING" --db "$F" replicate --redis "127.0.0.1:$down" > out 2> err; is "$?" 6 "replicate, Redis down: exit 6"
is "$(cat err)" "tickfeed-ingest: replicate: Redis unreachable: 127.0.0.1:$down: Connection refused" "the message"
is "$(q "$F" 'SELECT count(*) FROM ticks')|$(meta_of "$F" replica_pos_ms)|$(meta_of "$F" replica_state)" "0||2" \
    "nothing written but the state"
like "$(health "$F")" '^503 .*"replicate stopped \(redis_unreachable\) at stream entry 0-0: replicate could not reach Redis when it started' \
    "health says redis_unreachable"
"$ING" --db "$F" replicate --sentinel "127.0.0.1:$down" --master m > out 2> err; is "$?" 6 "through a Sentinel that is down: exit 6"
like "$(cat err)" "replicate: Redis unreachable: 127.0.0.1:$down: Connection refused" "the message"

# Usage.
for args in "publish" "publish --redis 127.0.0.1" "publish --redis :1" "publish --sentinel 127.0.0.1:1" \
    "publish --redis 127.0.0.1:1 --sentinel 127.0.0.1:2 --master m" "publish --redis 127.0.0.1:1 --maxlen -1" \
    "publish --redis 127.0.0.1:1 --stream a\ b" "replicate --redis 127.0.0.1:1 --maxlen 5" "snapshot" "snapshot $E"; do
	eval "\"\$ING\" --db \"\$O\" $args" > /dev/null 2>&1; is "$?" 2 "usage: $args"
done

# --maxlen: the stream keeps about that many entries.
rcli CONFIG SET stream-node-max-entries 10 > /dev/null
bg pub "$ING" --db "$O" publish --redis "$R" --stream trim --maxlen 20
started pub
feed 50000 9 $((now - 600000)) 1 > many.csv
"$ING" -q --db "$O" many.csv
eventually "$(cursor_of "$O")-0" top_of trim
n=$(rcli XLEN trim)
ok "$([ "$n" -ge 20 ] && [ "$n" -le 30 ]; echo $?)" "--maxlen 20: $n of 50 entries kept (trimmed by whole nodes of 10)"

# An edge that holds another tick, or gave a symbol's id to another.
C=$(cursor_of "$O")
"$ING" -q --db "$O" snapshot e4.db
q e4.db "UPDATE ticks SET price = price + 1 WHERE id = $C; UPDATE meta SET value = $((C - 1000)) WHERE key = 'replica_pos_ms'"
before=$(edge_sum e4.db)
"$ING" --db e4.db replicate --redis "$R" --stream trim > out 2> err; is "$?" 10 "a tick that differs from the stream's: exit 10"
like "$(cat err)" "replicate: tick id $C differs from the one this edge has" "saying which"
is "$(edge_sum e4.db)" "$before" "nothing written"
like "$(health e4.db)" '^503 .*"replicate stopped \(diverged\)' "health says diverged"
"$ING" -q --db "$O" snapshot e5.db
q e5.db "INSERT INTO symbols (id, symbol) VALUES ((SELECT max(id) + 1 FROM symbols), 'QQ')"
"$ING" -q --db "$O" simulate --symbols NEW1 --count 3 --rate 0 --seed 10
eventually "$((C + 3))-0" top_of trim
before=$(edge_sum e5.db)
"$ING" --db e5.db replicate --redis "$R" --stream trim > out 2> err; is "$?" 10 "a symbol id taken by another symbol: exit 10"
like "$(cat err)" "symbol NEW1: id $(q "$O" "SELECT id FROM symbols WHERE symbol = 'NEW1'") at the origin, that id names another symbol" "saying which"
is "$(edge_sum e5.db)" "$before" "nothing written"
stop pub; is "$RC" 0 "publish exits 0"
done_testing
