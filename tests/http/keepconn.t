#!/bin/bash
# Kept FastCGI connections (cgi-bin/conn.h): nginx reuses one connection
# for request after request; idle kept connections hold no thread (more
# of them than the app has threads, and a new request is still answered);
# a connection comes back from a long-poll, answered by the dispatcher,
# and carries the next request; a request without FCGI_KEEP_CONN has its
# connection closed.
. "$(dirname "$0")/../lib.sh"
test_stack
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] || skip_all "tickfeed-ingest not built"
FCGI="python3 $ROOT/tests/http/fcgi_client.py"

db=$TEST_TMP/ticks.db
printf 'symbol,ts,price,size\nAAPL,1704240000000,189.10,100\nMSFT,1704240000500,370.12,5\n' >"$TEST_TMP/a.csv"
"$INGEST" -q --db "$db" "$TEST_TMP/a.csv"
ok $? "two ticks imported"
stack_start_app "$db" -t 2
ok $? "app started with 2 threads"
stack_start_nginx >/dev/null
ok $? "nginx started"
sock=$STACK_DIR/app.sock
conns() { curl -s "$STACK_URL/api/v1/metrics" |
    awk '$1 == "tickfeed_connections_total" { print $2 }'; }

# --- nginx reuses its connection -------------------------------------------
codes=
for i in $(seq 10); do
	for u in "quotes?symbols=AAPL" "ticks?symbol=MSFT&limit=1" \
	    "symbols" "nope"; do
		codes+=$(curl -s -o /dev/null -w '%{http_code}' \
		    "$STACK_URL/api/v1/$u")" "
	done
done
is "$(tr ' ' '\n' <<<"$codes" | grep . | sort | uniq -c | awk '{print $2"x"$1}' | tr '\n' ' ')" \
    "200x30 404x10 " "40 sequential requests through nginx answered"
is "$(conns)" 1 "all 41 came over one FastCGI connection (the metrics request too)"

# --- idle kept connections hold no thread ----------------------------------
want_q='{"cursor":2,"quotes":[{"symbol":"AAPL","id":1,"ts":1704240000000,"price":189.10,"size":100}]}'
cmds=
for i in $(seq 6); do
	cmds+="open c$i"$'\n'"send c$i 1 /api/v1/quotes?symbols=AAPL"$'\n'"recv c$i"$'\n'
done
cmds+=$'open new\nsend new 1 /api/v1/symbols\nrecv new\n'
for i in $(seq 6); do
	cmds+="send c$i 1 /api/v1/ticks?symbol=AAPL"$'\n'"recv c$i"$'\n'
done
cmds+=$'open once\nsend once 0 /api/v1/health\nrecv once\neof once\n'
cmds+=$'eof c1\n'
out=$($FCGI "$sock" <<<"$cmds")
want_t='{"cursor":2,"symbol":"AAPL","ticks":[{"id":1,"ts":1704240000000,"price":189.10,"size":100}],"next":1,"more":false}'
is "$(sed -n 1,6p <<<"$out" | sort | tr '\n' '|')" \
    "$(for i in $(seq 6); do printf 'c%d 200 %s|' "$i" "$want_q"; done)" \
    "6 kept connections (the app has 2 threads): each answered"
like "$(sed -n 7p <<<"$out")" '^new 200 \{"cursor":2,"tz":"UTC","symbols":\[' \
    "a 7th connection answered while the 6 sit idle"
is "$(sed -n 8,13p <<<"$out" | sort | tr '\n' '|')" \
    "$(for i in $(seq 6); do printf 'c%d 200 %s|' "$i" "$want_t"; done)" \
    "each idle connection carries a second request"
like "$(grep '^once ' <<<"$out" | head -1)" '^once 200 \{"status":"ok"' \
    "a request without FCGI_KEEP_CONN answered"
is "$(grep -E '^(once|c1) (eof|open|data)' <<<"$out" | tr '\n' ' ')" \
    "once eof c1 open " "...and its connection closed; a kept one stays open"

# --- a long-poll's connection comes back from the dispatcher ----------------
out=$($FCGI "$sock" <<'CMDS'
open p
send p 1 /api/v1/poll?symbols=AAPL&since=2&timeout=1
recv p
send p 1 /api/v1/quotes?symbols=MSFT
recv p
send p 1 /api/v1/poll?symbols=AAPL&since=2&timeout=1
recv p
CMDS
)
is "$(sed -n 1p <<<"$out")" 'p 200 {"cursor":2,"ticks":[]}' \
    "a long-poll on a kept connection expires with its empty answer"
is "$(sed -n 2p <<<"$out")" \
    'p 200 {"cursor":2,"quotes":[{"symbol":"MSFT","id":2,"ts":1704240000500,"price":370.12,"size":5}]}' \
    "the same connection then carries a plain request"
is "$(sed -n 3p <<<"$out")" 'p 200 {"cursor":2,"ticks":[]}' \
    "...and another long-poll"

# A delivery (not an expiry) hands the connection back too.
printf 'symbol,ts,price,size\nAAPL,1704240001000,189.25,7\n' >"$TEST_TMP/b.csv"
( sleep 0.5; "$INGEST" -q --db "$db" "$TEST_TMP/b.csv" ) &
feeder=$!
out=$($FCGI "$sock" <<'CMDS'
open p
send p 1 /api/v1/poll?symbols=AAPL&since=2&timeout=10
recv p
send p 1 /api/v1/poll?symbols=AAPL&since=3&timeout=1
recv p
CMDS
)
wait $feeder
is "$(sed -n 1p <<<"$out")" \
    'p 200 {"cursor":3,"ticks":[{"id":3,"symbol":"AAPL","ts":1704240001000,"price":189.25,"size":7}]}' \
    "a long-poll on a kept connection gets the committed tick"
is "$(sed -n 2p <<<"$out")" 'p 200 {"cursor":3,"ticks":[]}' \
    "the connection carries the next poll"

# Through nginx the same: poll after poll reuses the connection.
before=$(conns)
for i in 1 2 3; do
	curl -s -o /dev/null "$STACK_URL/api/v1/poll?symbols=AAPL&since=3&timeout=1"
done
is "$(( $(conns) - before ))" 0 "three long-polls through nginx: no new connection"
is "$(curl -s "$STACK_URL/api/v1/metrics" | awk '$1 == "tickfeed_waiting_clients" {print $2}')" 0 \
    "nobody left waiting"
kill -0 "$(cat "$STACK_DIR/app.pid")"
ok $? "the app is still running"
done_testing
