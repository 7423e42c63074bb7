#!/bin/bash
# bench/soak.sh: the whole stack under mixed load for SOAK_SECONDS
# (default 300) on loopback, then the figures: `make soak`.
#
#   - the simulator ingesting SOAK_RATE (1000) ticks a second over 20
#     symbols, one commit every SOAK_FLUSH_MS (1000) ms: every commit
#     answers every waiter, so 2000 waiters make 2000 answers and 2000
#     new requests per commit (docs/reliability.md: at 100 ms the app
#     fell behind on this 2-core machine);
#   - wrk, SOAK_CONNS (256) connections of plain polling, mixed over
#     quotes, ticks, symbols, candles and health (bench/soak.lua);
#   - SOAK_WAITERS (2000) long-poll clients (tools/pushload.c), each
#     following one symbol with poll?since=, checked at the end against
#     the store: every tick of its symbol after its start, once, in order;
#   - the app (4 threads, unix socket) behind nginx (conf/ snippet).
# It prints the app's RSS every 30 s and a summary table, and exits 1
# unless: 0 wrk errors, 0 non-2xx, 0 5xx in the app's metrics, 0 missed
# (or doubled, or out of order) ticks, every simulated tick stored.
# Not part of `make test` or `make bench` (it takes minutes).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/bin
SOAK_SECONDS=${SOAK_SECONDS:-300}
SOAK_RATE=${SOAK_RATE:-1000}
SOAK_CONNS=${SOAK_CONNS:-256}
SOAK_WAITERS=${SOAK_WAITERS:-2000}
SOAK_FLUSH_MS=${SOAK_FLUSH_MS:-1000}
. "$ROOT/tools/stack.sh"
. "$ROOT/tools/push_lib.bash"

for t in nginx wrk; do
	command -v $t >/dev/null || { echo "soak: $t not installed"; exit 2; }
done
ulimit -n 20000 2>/dev/null || true
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-soak.XXXXXX")
chmod 755 "$STACK_DIR"
D=$STACK_DIR
db=$D/ticks.db
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
	stack_stop
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

push_build_client || { echo "soak: cannot build pushload"; exit 2; }
SYMS=$(printf 'S%02d,' $(seq 1 20)); SYMS=${SYMS%,}
SETS=${SYMS//,/;}

# The store starts with a minute of history so that reads have work.
"$BIN/tickfeed-ingest" -q --db "$db" simulate --symbols "$SYMS" --seed 1 \
    --count 60000 --rate 0 --start-ts $(( $(date +%s) * 1000 - 60000 )) \
    --step-ms 1 || exit 2
start_id=$(sqlite3 -readonly "$db" 'SELECT max(id) FROM ticks')
TICKFEED_THREADS=4 stack_start_app "$db" || exit 2
STACK_NGINX_WORKERS=4 stack_start_nginx >/dev/null || exit 2
port=${STACK_URL##*:}
app_pid=$(cat "$D/app.pid")

rss() { awk '/^VmRSS/ {print $2}' "/proc/$app_pid/status" 2>/dev/null; }
fds() { ls "/proc/$app_pid/fd" 2>/dev/null | wc -l; }
metric() {
	curl -s "$STACK_URL/api/v1/metrics" | awk -v m="$1" '$1 == m {print $2}'
}

echo "soak: ${SOAK_SECONDS}s, $SOAK_RATE ticks/s, $SOAK_CONNS polling connections," \
    "$SOAK_WAITERS long-poll waiters, nginx on :$port, app pid $app_pid"
"$PUSHLOAD" -p "$port" -P "$SOAK_WAITERS" -s "$SETS" -c "$start_id" \
    -d "$db" -u "$D/target" -T $((SOAK_SECONDS + 300)) >"$D/pushload.out" 2>&1 &
push_pid=$!; PIDS+=("$push_pid")
for i in $(seq 100); do
	[ "$(metric tickfeed_waiting_clients)" = "$SOAK_WAITERS" ] && break
	sleep 0.2
done
rss_start=$(rss); fds_start=$(fds)
"$BIN/tickfeed-ingest" --db "$db" simulate --symbols "$SYMS" --seed 2 \
    --rate "$SOAK_RATE" --count $((SOAK_RATE * SOAK_SECONDS)) \
    --batch "$SOAK_RATE" --flush-ms "$SOAK_FLUSH_MS" \
    >"$D/sim.out" 2>&1 &
sim_pid=$!; PIDS+=("$sim_pid")
wrk -t 2 -c "$SOAK_CONNS" -d "${SOAK_SECONDS}s" --timeout 10s \
    -s "$ROOT/bench/soak.lua" "$STACK_URL" >"$D/wrk.out" 2>&1 &
wrk_pid=$!; PIDS+=("$wrk_pid")

printf '%8s %10s %8s %10s %10s\n' elapsed rss_kb fds waiting cursor
t0=$(date +%s)
while kill -0 "$sim_pid" 2>/dev/null || kill -0 "$wrk_pid" 2>/dev/null; do
	printf '%7ss %10s %8s %10s %10s\n' $(( $(date +%s) - t0 )) "$(rss)" \
	    "$(fds)" "$(metric tickfeed_waiting_clients)" "$(metric tickfeed_cursor)"
	for i in $(seq 30); do
		kill -0 "$sim_pid" 2>/dev/null || kill -0 "$wrk_pid" 2>/dev/null || break
		sleep 1
	done
done
wait "$sim_pid"; sim_rc=$?
wait "$wrk_pid"
rss_end=$(rss); fds_end=$(fds)
sqlite3 -readonly "$db" 'SELECT max(id) FROM ticks' >"$D/target"
wait "$push_pid"; push_rc=$?

stored=$(sqlite3 -readonly "$db" "SELECT count(*) FROM ticks WHERE id > $start_id")
five=$(curl -s "$STACK_URL/api/v1/metrics" | awk '/^tickfeed_requests_total/ &&
    /code="5/ {n += $2} END {print n + 0}')
w=$(grep '^soak-wrk' "$D/wrk.out")
p=$(grep '^clients=' "$D/pushload.out")
kv() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<<" $2"; }
errors=$(( $(kv connect "$w") + $(kv read "$w") + $(kv write "$w") + $(kv timeout "$w") + $(kv errors "$p") + $(kv bad_status "$p") ))

echo
echo "| figure | value |"
echo "| --- | --- |"
echo "| duration | ${SOAK_SECONDS} s |"
echo "| simulator | $(cat "$D/sim.out" | tr -d '\n') (exit $sim_rc) |"
echo "| ticks stored during the run | $stored (wanted $((SOAK_RATE * SOAK_SECONDS))) |"
echo "| plain polling (wrk, $SOAK_CONNS conns) | $(kv requests "$w") requests, $(awk "BEGIN {printf \"%.0f\", $(kv requests "$w") / $SOAK_SECONDS}") req/s, p50 $(kv p50_ms "$w") ms, p99 $(kv p99_ms "$w") ms |"
echo "| non-2xx answers (wrk) | $(kv non2xx "$w") |"
echo "| 5xx in the app's metrics | $five |"
echo "| errors (connect/read/write/timeout, pushload) | $errors |"
echo "| long-poll waiters | $(kv clients "$p"): received $(kv received "$p") of $(kv expected "$p") ticks, reconnects $(kv reconnects "$p") |"
echo "| missed / doubled / out of order ticks | $(kv missing "$p") / $(kv doubled "$p") / $(kv disorder "$p") |"
echo "| app RSS start / end | $rss_start kB / $rss_end kB |"
echo "| app fds start / end | $fds_start / $fds_end |"
echo
fail=0
[ "$sim_rc" -eq 0 ] && [ "$stored" -eq $((SOAK_RATE * SOAK_SECONDS)) ] || { echo "soak: FAIL: ticks stored"; fail=1; }
[ "$(kv non2xx "$w")" = 0 ] && [ "$five" = 0 ] || { echo "soak: FAIL: non-2xx or 5xx answers"; fail=1; }
[ "$errors" -eq 0 ] || { echo "soak: FAIL: errors"; fail=1; }
[ "$push_rc" -eq 0 ] && [ "$(kv missing "$p")" = 0 ] || { echo "soak: FAIL: waiters ($p)"; fail=1; }
[ "$fail" -eq 0 ] && echo "soak: PASS"
exit "$fail"
