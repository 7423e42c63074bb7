#!/bin/bash
# tickfeed on more than one machine, played on this one (docs/scale.md):
# an origin (the feed's ingest, publish, a Sentinel), two Redis with a
# Sentinel each, three edges (replicate, the app, nginx) and HAProxy,
# each "host" a directory of its own and an address of its own in
# 127.0.1.0/24, configured by what the roles write (render.yml).
#
# Under a live feed (FLEET_RATE ticks/s in FLEET_COMMITS commits/s for
# FLEET_SECONDS s) with FLEET_SSE stream and FLEET_POLL long-poll clients
# through HAProxy over mixed symbol sets (and FLEET_SINGLE of each on the
# origin's own app, the one-node figure), in one run: an edge killed
# (kill -9, then started again); the origin's ingest and publish killed
# and started again; the Redis master killed (Sentinel promotes the
# replica; publish and replicate follow it; the old master comes back as
# a replica); one edge's replicate stopped for 10 s (its lag rises, its
# health fails, HAProxy drains it, it catches up and comes back).  Then:
# every client got exactly the ticks of its symbols from its start
# cursor, in id order; every edge's ticks, candles and symbols hash as
# the origin's; the same request has the same ETag on every node; and a
# second run of the roles changes nothing, after the failover.  The
# origin's trading zone is America/New_York from the start and becomes
# Europe/Berlin (set-tz) under the feed: the edges' daily and weekly
# candles and settings follow.  Through HAProxy, a client past its
# per-client limit gets the API's 429 while another is served.  Figures
# (lag, latency, resume, failover) go to the log and $BUILD/fleet-figures.txt.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fleet/fleet.sh"
cd "$ROOT" || exit 1
S=${FLEET_SECONDS:-150}
RATE=${FLEET_RATE:-100}
COMMITS=${FLEET_COMMITS:-5}
NSSE=${FLEET_SSE:-300}
NPOLL=${FLEET_POLL:-300}
NSINGLE=${FLEET_SINGLE:-100}
STOP_S=10	# the replicate stop, as the issue has it
SETS='AAPL;MSFT,TSLA;*;SPY,EURUSD,USDJPY;GOOG,AMZN;TSLA,GOOG,EURUSD,AAPL'

[ "$(id -u)" -eq 0 ] || skip_all "needs root (the daemons run as root here)"
for t in nginx haproxy redis-server redis-sentinel redis-cli ansible-playbook \
    sqlite3 curl python3 start-stop-daemon; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
"$BIN/tickfeed-ingest" --help 2>&1 | grep -q ' replicate ' ||
    skip_all "tickfeed-ingest has no replicate"
ulimit -n "$(ulimit -Hn)"
chmod 755 "$TEST_TMP"
FLEET_DIR=$TEST_TMP
T=$TEST_TMP
BGPIDS=()
cleanup() {
	local p
	for p in "${BGPIDS[@]+"${BGPIDS[@]}"}"; do
		kill -CONT "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	fleet_stop_all
	fleet_keep_logs "$BUILD/fleet-logs"
}
on_exit cleanup
ms() { echo $(( $(date +%s%N) / 1000000 )); }
mark() { echo "$(( $(date +%s%N) / 1000 )) $*" >>"$T/faults.log"; }
# at FRACTION: sleeps until that fraction of the feed's time has passed.
at() {
	local d
	d=$(awk -v t0="$T0" -v f="$1" -v s="$S" -v now="$(date +%s.%N)" \
	    'BEGIN { d = t0 + f * s - now; print (d > 0 ? d : 0) }')
	sleep "$d"
}
within() {	# within SECONDS CMD...: CMD succeeds within that time
	local s=$1; shift
	STACK_WAIT_S=$s stack_wait_for "$@" 2>/dev/null
}
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"; }
url() { echo "http://${FLEET_ADDR[$1]}:$FLEET_HTTP_PORT$2"; }
db_of() { echo "$T/$1/var/lib/tickfeed/ticks.db"; }
ODB=$(db_of origin1)

# --- the hosts, as the roles configure them ------------------------------------
fleet_setup
is $? 0 "make install into the fleet's prefix; ports $FLEET_HTTP_PORT (http), $FLEET_REDIS_PORT (redis), $FLEET_SENTINEL_PORT (sentinel), $FLEET_LB_PORT (haproxy)"
fleet_render; rc=$?
is "$rc" 0 "the roles render every host's configuration (render.yml)"
if [ "$rc" -ne 0 ]; then
	grep -E '^(fatal|failed):' "$FLEET_RENDER_LOG" | cut -c1-400 | sed 's/^/# /'
	done_testing; exit 1
fi
master_is() { [ "$(fleet_master)" = "$1" ]; }
within 30 master_is "${FLEET_ADDR[redis1]}"
ok $? "the Sentinels name redis1 the master"
sentinel_sees() {	# sentinel_sees HOST: 1 replica, 2 other Sentinels
	local out
	out=$(redis-cli -h "${FLEET_ADDR[$1]}" -p "$FLEET_SENTINEL_PORT" \
	    SENTINEL master tickfeed | paste - - | tr '\t' '=')
	grep -qx 'num-slaves=1' <<<"$out" &&
	    grep -qx 'num-other-sentinels=2' <<<"$out"
}
for h in origin1 redis1 redis2; do
	within 60 sentinel_sees "$h"
	ok $? "$h's Sentinel knows the replica and the other two Sentinels"
done
is "$(redis-cli -h "${FLEET_ADDR[redis2]}" -p "$FLEET_REDIS_PORT" role | head -1)" \
    slave "redis2 runs as redis1's replica"

# --- the origin and its feed --------------------------------------------------
"$BIN/tickfeed-ingest" -q --db "$ODB" set-tz America/New_York
is "$(sqlite3 "$ODB" "SELECT value FROM settings WHERE key = 'tz'")" America/New_York \
    "the origin's trading zone: America/New_York"
FEED=$T/origin1/var/log/feed/ticks.csv
printf 'symbol,ts,price,size,seq\n' >"$FEED"
for d in follow publish fcgi; do fleet_start origin1 "$d"; done
fleet_nginx origin1
within 10 test -S "$T/origin1/run/tickfeed/fcgi.sock"
ok $? "the origin runs its ingest (follow), publish, and the app for one-node clients"
T0=$(date +%s.%N)
python3 tests/fleet/feed.py "$FEED" "$S" "$RATE" "$COMMITS" >"$T/fed" &
FEEDER=$!
BGPIDS+=("$FEEDER")
head_above() { [ "$(fleet_head "$1")" -gt "$2" ]; }
within 20 head_above "$ODB" 0
ok $? "the feed reaches the origin's store"

# --- the edges, from a snapshot ----------------------------------------------
fleet_render --tags seed; rc=$?
is "$rc" 0 "the edge role's seed tasks copy a snapshot of the origin's store to each edge"
for e in "${FLEET_EDGES[@]}"; do
	h=$(fleet_head "$(db_of "$e")")
	like "${h:-none}" '^[1-9][0-9]*$' "$e starts from a snapshot at tick $h"
	for d in replicate fcgi; do fleet_start "$e" "$d"; done
	fleet_nginx "$e"
done
"$BUILD/tests/fleetwatch" origin="$ODB" edge1="$(db_of edge1)" \
    edge2="$(db_of edge2)" edge3="$(db_of edge3)" >"$T/watch.log" &
BGPIDS+=("$!")
lb_is() { [ "$(fleet_lb_state "$1")" = "$2" ]; }
for e in "${FLEET_EDGES[@]}"; do
	within 30 lb_is "$e" UP
	ok $? "HAProxy has $e up"
done
LB=http://${FLEET_ADDR[lb1]}:$FLEET_LB_PORT
like "$(curl -s "$LB/api/v1/health")" '^\{"status":"ok",.*"replica":' \
    "health through HAProxy is an edge's"

# --- per-client limits through HAProxy ------------------------------------------
# The edges count a client by the address HAProxy names in X-Forwarded-For.
# One client sends 600 requests at once on one connection (HAProxy spreads
# them over the three edges, each allowing a burst of 40): the first 41
# pass on any edge, later ones get the API's 429; another client is served.
burst() {	# burst ADDR N: "STATUS RETRY-AFTER CONTENT-TYPE" lines, bodies in $T/burst/
	local i a=()
	mkdir -p "$T/burst"
	for ((i = 1; i <= $2; i++)); do
		a+=(-o "$T/burst/$i.json" "$LB/api/v1/quotes?symbols=AAPL")
	done
	curl -s --interface "$1" -w '%{http_code} %header{retry-after} %header{content-type}\n' "${a[@]}"
}
burst 127.0.1.40 600 >"$T/burst.txt"
other=$(for i in 1 2 3 4 5 6; do curl -s --interface 127.0.1.41 -o /dev/null \
    -w '%{http_code} ' "$LB/api/v1/quotes?symbols=AAPL"; done)
is "$(head -41 "$T/burst.txt" | cut -d' ' -f1 | sort -u | tr '\n' ' ')" "200 " \
    "a client's first 41 requests through HAProxy pass"
n429=$(grep -c '^429 ' "$T/burst.txt")
like "$n429:$(cut -d' ' -f1 "$T/burst.txt" | sort -u | tr '\n' ' ')" '^[1-9][0-9]*:200 429 $' \
    "past its limit it gets 429s ($n429 of 600), nothing else"
is "$(grep '^429 ' "$T/burst.txt" | sort -u)" "429 1 application/json" \
    "each 429 with Retry-After: 1, as JSON"
first=$(grep -n '^429 ' "$T/burst.txt" | head -1 | cut -d: -f1)
is "$(cat "$T/burst/$first.json")" \
    '{"error":{"code":"rate_limited","message":"too many requests from this client; retry after the seconds in Retry-After"}}' \
    "the API's rate_limited error"
is "$other" "200 200 200 200 200 200 " "meanwhile another client is served"

# --- the clients ------------------------------------------------------------------
START=$(fleet_head "$ODB")
"$BUILD/tests/fleetload" -a "${FLEET_ADDR[lb1]}" -p "$FLEET_LB_PORT" \
    -b 127.0.2.1 -S "$NSSE" -P "$NPOLL" -s "$SETS" -c "$START" -k 50 \
    -d "$ODB" -u "$T/target" -w "$T/watch.log" -x "$T/windows" \
    -l "$T/progress-lb.log" -T $((S + 240)) >"$T/load-lb.out" 2>"$T/load-lb.err" &
LOAD_LB=$!
"$BUILD/tests/fleetload" -a "${FLEET_ADDR[origin1]}" -p "$FLEET_HTTP_PORT" \
    -b 127.0.6.1 -S "$NSINGLE" -P "$NSINGLE" -s "$SETS" -c "$START" -k 50 \
    -d "$ODB" -u "$T/target" -w "$T/watch.log" -x "$T/windows" \
    -l "$T/progress-one.log" -T $((S + 240)) >"$T/load-one.out" 2>"$T/load-one.err" &
LOAD_ONE=$!
BGPIDS+=("$LOAD_LB" "$LOAD_ONE")
diag "$((NSSE + NPOLL)) clients through HAProxy and $((2 * NSINGLE)) on the origin from cursor $START"

# --- what each part costs, before the faults ------------------------------------------
# CPU time of each group of processes over a quiet window, beside what
# the clients received meanwhile (their -l lines): per answer at the
# balancer and the edges, per commit at publish, replicate and Redis.
cpu_pids() {
	local h p
	case $1 in
	lb) p=$(fleet_pid lb1 haproxy); echo "$p" $(ps -o pid= --ppid "$p") ;;
	edge-app) for h in "${FLEET_EDGES[@]}"; do fleet_pid "$h" fcgi; done ;;
	edge-nginx) for h in "${FLEET_EDGES[@]}"; do
		p=$(fleet_pid "$h" nginx); echo "$p" $(ps -o pid= --ppid "$p")
	done ;;
	replicate) for h in "${FLEET_EDGES[@]}"; do fleet_pid "$h" replicate; done ;;
	publish) fleet_pid origin1 publish ;;
	redis) fleet_pid "$(fleet_host_of "$(fleet_master)")" redis ;;
	one-app) fleet_pid origin1 fcgi ;;
	one-nginx) p=$(fleet_pid origin1 nginx); echo "$p" $(ps -o pid= --ppid "$p") ;;
	esac
}
cpu_sample() {	# cpu_sample: "T_US GROUP TICKS" lines into cpu.log
	local g p
	for g in lb edge-app edge-nginx replicate publish redis one-app one-nginx; do
		echo "$(( $(date +%s%N) / 1000 )) $g $(for p in $(cpu_pids "$g"); do
		    cat "/proc/$p/stat" 2>/dev/null; done |
		    awk '{ sub(/.*\) /, ""); s += $12 + $13 } END { print s + 0 }')"
	done >>"$T/cpu.log"
}
sleep 5
cpu_sample
at 0.19
cpu_sample

# --- the faults ---------------------------------------------------------------------
# 1. An edge killed, every process of it at once, and started again.
at 0.20
mark edge1-kill
pids="$(fleet_pid edge1 replicate) $(fleet_pid edge1 fcgi) $(fleet_pid edge1 nginx)"
fleet_kill9 edge1 replicate fcgi nginx
sleep 0.5
fleet_alive $pids
is $? 1 "edge1 killed (kill -9: replicate, the app, nginx)"
within 10 lb_is edge1 DOWN
ok $? "HAProxy takes edge1 out"
at 0.27
mark edge1-back
for d in replicate fcgi; do fleet_start edge1 "$d"; done
fleet_nginx edge1
within 30 lb_is edge1 UP
ok $? "edge1 started again catches up and HAProxy has it back"

# 2. The origin's ingest and publish killed, and started again.
at 0.35
mark origin-kill
pids="$(fleet_pid origin1 follow) $(fleet_pid origin1 publish)"
fleet_kill9 origin1 follow publish
sleep 0.5
fleet_alive $pids
is $? 1 "the origin's ingest and publish killed (kill -9)"
at 0.41
mark origin-back
for d in follow publish; do fleet_start origin1 "$d"; done
sleep 1
fleet_alive "$(fleet_pid origin1 follow)" "$(fleet_pid origin1 publish)"
ok $? "the origin's ingest and publish started again"

# 3. The Redis master killed: Sentinel promotes the replica.
at 0.48
old=$(fleet_master); oldh=$(fleet_host_of "$old")
newh=redis2; [ "$oldh" = redis2 ] && newh=redis1
top() {
	redis-cli -h "${FLEET_ADDR[$1]}" -p "$FLEET_REDIS_PORT" --raw \
	    XINFO STREAM tickfeed 2>/dev/null | sed -n '/^last-generated-id$/{n;p}'
}
top0=$(top "$newh")
mark redis-kill
t_kill=$(ms)
fleet_kill9 "$oldh" redis
within 60 master_is "${FLEET_ADDR[$newh]}"
ok $? "Sentinel makes $newh the master after $oldh is killed"
t_switch=$(ms)
mark redis-switched
moved() { [ "$(top "$newh")" != "$top0" ]; }
within 60 moved
ok $? "publish follows: new entries on $newh"
t_pub=$(ms)
FAILOVER_MS=$((t_switch - t_kill))
PUBLISH_MS=$((t_pub - t_kill))
diag "failover: kill -> new master $FAILOVER_MS ms, -> first entry there $PUBLISH_MS ms"
at 0.60
mark redis-back
fleet_start "$oldh" redis
is_replica() {
	[ "$(redis-cli -h "${FLEET_ADDR[$oldh]}" -p "$FLEET_REDIS_PORT" role 2>/dev/null |
	    head -1)" = slave ]
}
within 60 is_replica
ok $? "$oldh comes back as the replica of $newh"

# 4. One edge's replicate stopped for 10 s.
at 0.70
rpid=$(fleet_pid edge2 replicate)
mark edge2-stop
kill -STOP "$rpid"
saw503=0 sawdown=0 maxlag=0
end=$(( $(ms) + STOP_S * 1000 ))
while [ "$(ms)" -lt "$end" ]; do
	[ "$(status_of "$(url edge2 /api/v1/health)")" = 503 ] && saw503=1
	lb_is edge2 DOWN && sawdown=1
	lag=$(curl -s --max-time 2 "$(url edge2 /api/v1/metrics)" |
	    awk '$1 == "tickfeed_replication_lag_seconds" { print $2 }')
	maxlag=$(awk -v a="$maxlag" -v b="${lag:-0}" 'BEGIN { print (b > a ? b : a) }')
	sleep 0.5
done
kill -CONT "$rpid"
mark edge2-cont
diag "edge2's lag while its replicate was stopped: up to ${maxlag} s"
is "$saw503/$sawdown" 1/1 "edge2's lag rose: its health answered 503 and HAProxy drained it"
within 30 lb_is edge2 UP
ok $? "edge2 caught up and HAProxy has it back"

# 5. The origin's trading zone changed under the feed.
at 0.85
mark settz
"$BIN/tickfeed-ingest" -q --db "$ODB" set-tz Europe/Berlin
is $? 0 "set-tz Europe/Berlin on the origin while the feed goes on"

# --- the end of the feed -------------------------------------------------------------
wait "$FEEDER"
FED=$(cat "$T/fed")
all_stored() { [ "$(sqlite3 "file:$ODB?mode=ro" 'SELECT count(*) FROM ticks')" = "$FED" ]; }
within 60 all_stored
ok $? "the origin stored every tick fed, once ($FED)"
HEAD=$(fleet_head "$ODB")
mark feed-end
# Each fault from its start to 5 s after its end: figures apart ("calm").
awk '{ t[$2] = $1 } END {
	n = split("edge1-kill edge1-back origin-kill origin-back " \
	    "redis-kill redis-switched edge2-stop edge2-cont", e, " ")
	for (i = 1; i < n; i += 2)
		if ((e[i] in t) && (e[i + 1] in t))
			printf "%.0f %.0f\n", t[e[i]], t[e[i + 1]] + 5000000
}' "$T/faults.log" >"$T/windows"
echo "$HEAD" >"$T/target"
at_head() { [ "$(fleet_head "$(db_of "$1")")" = "$HEAD" ]; }
for e in "${FLEET_EDGES[@]}"; do
	within 60 at_head "$e"
	ok $? "$e reached the origin's head ($HEAD)"
done
wait "$LOAD_LB"; rc_lb=$?
wait "$LOAD_ONE"; rc_one=$?
res_lb=$(grep '^clients=' "$T/load-lb.out")
res_one=$(grep '^clients=' "$T/load-one.out")
diag "through HAProxy: $res_lb"
diag "one node: $res_one"
like "$res_lb" ' missing=0 doubled=0 disorder=0 extra=0 ' \
    "every client through HAProxy got exactly its ticks, in id order"
like "$res_lb" ' other=0 ' "and no answer but 200 and the balancer's 503"
is "$rc_lb" 0 "fleetload through HAProxy: no fault, before its deadline"
like "$res_one" ' missing=0 doubled=0 disorder=0 extra=0 ' \
    "every client on the origin's own app got exactly its ticks"
is "$rc_one" 0 "fleetload on one node: no fault, before its deadline"
grep -v '^fleetload: status' "$T/load-lb.err" | head -5 | sed 's/^/# /'

# --- every replica is the origin's ----------------------------------------------------
for e in "${FLEET_EDGES[@]}"; do
	for tb in ticks candles symbols settings; do
		is "$(fleet_hash "$(db_of "$e")" "$tb")" "$(fleet_hash "$ODB" "$tb")" \
		    "$e: $tb hash as the origin's"
	done
done
etag() { curl -s -D - -o /dev/null --max-time 5 "$1" | tr -d '\r' |
    sed -n 's/^[Ee][Tt]ag: //p'; }
for p in /api/v1/symbols /api/v1/quotes '/api/v1/quotes?symbols=AAPL,MSFT' \
    '/api/v1/ticks?symbol=AAPL&limit=1000' '/api/v1/candles?symbol=SPY&interval=1m' \
    '/api/v1/candles?symbol=EURUSD&interval=1h' '/api/v1/candles?symbol=AAPL&interval=1d' \
    '/api/v1/candles?symbol=TSLA&interval=1w'; do
	tags=$(for h in origin1 "${FLEET_EDGES[@]}"; do etag "$(url "$h" "$p")"; done |
	    sort -u)
	like "$(wc -l <<<"$tags" | tr -d ' '):$tags" '^1:"[^"]+"$' \
	    "GET $p: one ETag on the origin and every edge"
done

# --- what the stream holds ----------------------------------------------------------
m=${FLEET_ADDR[$(fleet_host_of "$(fleet_master)")]}
XLEN=$(redis-cli -h "$m" -p "$FLEET_REDIS_PORT" XLEN tickfeed)
XMEM=$(redis-cli -h "$m" -p "$FLEET_REDIS_PORT" MEMORY USAGE tickfeed SAMPLES 0)
like "$XLEN:$XMEM" '^[1-9][0-9]*:[1-9][0-9]*$' \
    "the stream on the master: $XLEN entries, $XMEM bytes, for $HEAD ticks"

# --- publish's own account, and the roles once more -------------------------------
fleet_stop origin1 publish
REPUB=$(sed -n 's/^publish: .*re-published \([0-9]*\): \([0-9]*\) refused.*, \([0-9]*\) again.*/\1 \2 \3/p' \
    "$T/origin1/var/log/tickfeed/publish.log" | tail -1)
like "$REPUB" '^[0-9]+ [0-9]+ [0-9]+$' "publish said what it published again ($REPUB)"
fleet_render; rc=$?
is "$rc" 0 "the roles render the fleet again, after the failover"
for h in "${FLEET_HOSTS[@]}"; do
	r=$(fleet_recap "$h")
	like "$r" '^ok=[0-9]+ changed=0 unreachable=0 failed=0' \
	    "the second run changed nothing on $h ($r)"
done

# --- figures ---------------------------------------------------------------------
python3 tests/fleet/figures.py "$T" "$FAILOVER_MS" "$PUBLISH_MS" "$REPUB" \
    "$S" "$RATE" "$COMMITS" "$((NSSE + NPOLL))" "$((2 * NSINGLE))" \
    "$XLEN $XMEM $HEAD" >"$T/figures.txt"
ok $? "figures computed"
sed 's/^/# /' "$T/figures.txt"
cp "$T/figures.txt" "$BUILD/fleet-figures.txt"

done_testing
