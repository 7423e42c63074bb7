#!/bin/bash
# bench/push.sh: delivery latency to N waiting long-poll clients, tickfeed
# (nginx -> tickfeed.fcgi, the ingest side committing one tick per message
# to SQLite) beside Nchan (Debian's libnginx-mod-nchan: nginx's own pub/sub,
# messages POSTed to it), same machine, same run, same N, same rate.
#
# For N = 100, 1,000 and 10,000 (PUSH_NS), bench/pushload.c holds N
# long-poll clients in one epoll loop and publishes PUSH_MESSAGES messages
# at PUSH_RATE a second, each stamped with the wall clock in us just before
# its commit (tickfeed: the tick's size; Nchan: the body); a client's
# latency is receipt minus stamp.  Prints p50/p99/max, missed and doubled
# deliveries, and the app's peak RSS and threads; then p99 ratios
# (tickfeed / Nchan; target <= 1) and the 10,000-client targets
# (< 100 MB RSS, < 64 threads).  The last three columns are CPU time per
# delivery (us, user + system, from the first message to the last
# delivery): the app, the nginx workers, and the load client, which
# shows where a message's cost goes on each path.
#   PUSH_NS="100 1000" PUSH_MESSAGES=10 bench/push.sh      a smaller run
#   PUSH_VERBOSE=1 bench/push.sh      also each message's p50/p99/max
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/bin
NS=${PUSH_NS:-100 1000 10000}
RATE=${PUSH_RATE:-2}
MESSAGES=${PUSH_MESSAGES:-20}
VERBOSE=()
[ -n "${PUSH_VERBOSE:-}" ] && VERBOSE=(-v)
source tests/stack.sh
source bench/push_lib.bash

[ -x "$BIN/tickfeed.fcgi" ] || make -s all
push_build_client || exit 1
# Ten thousand clients: their sockets here, twice that in nginx.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-push.XXXXXX")
chmod 755 "$TMP"
STACK_DIR=$TMP/stack
trap 'stack_stop; rm -rf "$TMP"' EXIT

# Both nginx sized for 10,000 clients.  Two workers sharing the port
# (reuseport): with the client and the upstream connection each, 10,000
# clients need 20,000 descriptors, more than one process may hold here
# (ulimit -Hn is 20,000 in some containers).
STACK_NGINX_WORKERS=2
STACK_NGINX_CONNECTIONS=$(( $(ulimit -n) - 100 ))
STACK_NGINX_LISTEN="backlog=4096 reuseport"
STACK_NGINX_KEEPALIVE=${PUSH_KEEPALIVE:-10000}
HTTP="keepalive_requests 100000;"

# Peak VmRSS (kB) and threads of pid while the file $2 exists.
sample() {
	local pid=$1 flag=$2 rss=0 thr=0 r t
	while [ -e "$flag" ]; do
		r=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		t=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		[ -n "$r" ] && [ "$r" -gt "$rss" ] && rss=$r
		[ -n "$t" ] && [ "$t" -gt "$thr" ] && thr=$t
		sleep 0.2
	done
	echo "$rss $thr"
}

# children PID: the processes whose parent is PID (nginx's workers).
children() {
	local f s ppid
	for f in /proc/[0-9]*/stat; do
		s=$(cat "$f" 2>/dev/null) || continue
		read -r _ ppid _ <<<"${s##*) }"
		[ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}
pidlist() { children "$1" | paste -sd, -; }

# PUSH_VERBOSE: pushload's per-message lines, before the row they belong to.
permsg() { [ ${#VERBOSE[@]} -eq 0 ] || sed -n 's/^message/    message/p' <<<"$1"; }

field() { sed -n "s/.*\b$1=\([0-9.-]*\).*/\1/p" <<<"$2"; }

# --- tickfeed: the app behind nginx ---------------------------------------
DB=$TMP/ticks.db
"$BIN/tickfeed-ingest" --db "$DB" -q init || exit 1
TICKFEED_MAX_WAITERS=20000 stack_start_app "$DB" >/dev/null || exit 1
APP_PID=$(cat "$STACK_DIR/app.pid")
TF_PORT=$(stack_free_port)
STACK_NGINX_EXTRA=$HTTP stack_start_nginx "$TF_PORT" >/dev/null || exit 1

# --- Nchan: its own nginx -------------------------------------------------
NC_PORT=$(stack_free_port)
nchan_start() {
	stack_nginx_conf "$TMP/nginx-nchan" "$NC_PORT" "$HTTP" \
	    "nchan_message_buffer_length 1000;
	     location = /sub/bench { nchan_subscriber longpoll; nchan_channel_id bench; }
	     location = /pub/bench { nchan_publisher; nchan_channel_id bench; }" \
	    "load_module /usr/lib/nginx/modules/ngx_nchan_module.so;"
	stack_nginx_run "$TMP/nginx-nchan"
}

ROW='%-9s %6s %8s %8s %8s %7s %7s %7s %7s %7s %7s %7s\n'
printf "$ROW" system N p50_ms p99_ms max_ms missed doubled rss_MB threads \
    app_us nginx_us cli_us
declare -A P99 RSS THR
for n in $NS; do
	# tickfeed
	touch "$TMP/run"
	sample "$APP_PID" "$TMP/run" >"$TMP/sample" &
	sp=$!
	out=$("$PUSHLOAD" -p "$TF_PORT" -P "$n" -W "$DB" -R "$RATE" \
	    -M "$MESSAGES" -t 50 -T 120 "${VERBOSE[@]}" -C "$APP_PID" \
	    -C "$(pidlist "$(cat "$STACK_DIR/nginx/nginx.pid")")" 2>&1)
	permsg "$out"; out=$(tail -1 <<<"$out")
	rm -f "$TMP/run"; wait "$sp"
	read -r rss thr <"$TMP/sample"
	P99[tf$n]=$(field p99_ms "$out"); RSS[$n]=$((rss / 1024)); THR[$n]=$thr
	printf "$ROW" tickfeed "$n" \
	    "$(field p50_ms "$out")" "${P99[tf$n]}" "$(field max_ms "$out")" \
	    "$(field missed "$out")" "$(field doubled "$out")" "${RSS[$n]}" \
	    "$thr" "$(field cpu1_us "$out")" "$(field cpu2_us "$out")" \
	    "$(field cli_cpu_us "$out")"
	[ -n "$(field missed "$out")" ] || echo "  tickfeed: $out"
	# Nchan, a fresh channel each time
	stack_kill_pidfile "$TMP/nginx-nchan/nginx.pid" 2>/dev/null
	nchan_start || { echo "nchan did not start"; exit 1; }
	out=$("$PUSHLOAD" -p "$NC_PORT" -N "$n" -U /pub/bench -R "$RATE" \
	    -M "$MESSAGES" -T 120 "${VERBOSE[@]}" \
	    -C "$(pidlist "$(cat "$TMP/nginx-nchan/nginx.pid")")" 2>&1)
	permsg "$out"; out=$(tail -1 <<<"$out")
	P99[nc$n]=$(field p99_ms "$out")
	printf "$ROW" nchan "$n" \
	    "$(field p50_ms "$out")" "${P99[nc$n]}" "$(field max_ms "$out")" \
	    "$(field missed "$out")" "$(field doubled "$out")" - - - \
	    "$(field cpu1_us "$out")" "$(field cli_cpu_us "$out")"
	[ -n "$(field missed "$out")" ] || echo "  nchan: $out"
done
echo
for n in $NS; do
	awk -v n="$n" -v a="${P99[tf$n]:-0}" -v b="${P99[nc$n]:-0}" 'BEGIN {
		printf "N=%-6d p99 tickfeed/nchan = %.2f (target <= 1.00)\n",
		    n, (b > 0 ? a / b : 0) }'
done
last=${NS##* }
echo "N=$last: app RSS ${RSS[$last]} MB (target < 100), threads ${THR[$last]} (target < 64)"
echo "rate $RATE msg/s, $MESSAGES messages per run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
