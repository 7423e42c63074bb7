#!/bin/bash
# bench/push.sh: what a user sees, from the line their feed writes to the
# moment their client has it, for N waiting clients of tickfeed (the
# ingest tool -> SQLite -> tickfeed.fcgi -> nginx) beside Nchan (Debian's
# libnginx-mod-nchan: nginx's own pub/sub, messages POSTed to it), same
# machine, same run, same N, same rate, the same transport each.
#
# tickfeed as a user runs it: `tickfeed-ingest --db DB --follow -`
# with its default flags reading a pipe (a FIFO here) the feed writes
# CSV lines to; the app started by spawn-fcgi on a unix socket with its
# default threads (stack_start_app when spawn-fcgi is missing: the same
# binary, socket and threads; the table says which); nginx with
# conf/nginx/tickfeed-locations.conf included as it is, behind the
# upstream of conf/nginx/tickfeed-site.conf (its `keepalive`).  Nchan:
# its long-poll and EventSource subscribers, its publisher.
#
# For each transport (PUSH_TRANSPORTS: poll = long-poll, sse = server-
# sent events against Nchan's EventSource) and N (PUSH_NS), both sides
# are started fresh, tools/pushload.c holds N clients in one epoll loop
# and publishes PUSH_MESSAGES messages at PUSH_RATE a second, each
# stamped with the wall clock just before it leaves (the feed line's
# write to the pipe; the POST to Nchan); a client's latency is receipt
# minus stamp.  Every run is bounded (-T) and stops by itself.
#
# Columns: p50/p99/max latency; missed, doubled and out-of-order
# deliveries; mem_MB, the peak of the summed RSS of every process that
# serves (nginx master and workers, and tickfeed's app); the app's own
# peak RSS and threads; then CPU time per delivery (us, user + system,
# from the first message to the last delivery) of the ingest tool, the
# app, the nginx processes, their sum (srv_us) and the load client.
# Then the ratios tickfeed / Nchan, p99 (target <= 2) and memory (target
# <= 1.5 at the largest N).
#
#   PUSH_NS="100 1000" PUSH_MESSAGES=10 bench/push.sh     a smaller run
#   PUSH_TRANSPORTS=sse bench/push.sh                     one transport
#   PUSH_FROM=commit bench/push.sh    tickfeed's clock from the SQLite
#                                     commit (pushload commits; no ingest)
#   PUSH_KEEPALIVE=1024 bench/push.sh   another upstream keepalive
#   PUSH_VERBOSE=1 bench/push.sh      also each message's p50/p99/max
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/bin
NS=${PUSH_NS:-100 1000 10000}
TRANSPORTS=${PUSH_TRANSPORTS:-poll sse}
FROM=${PUSH_FROM:-feed}
RATE=${PUSH_RATE:-2}
MESSAGES=${PUSH_MESSAGES:-20}
SITE_CONF=$ROOT/conf/nginx/tickfeed-site.conf
KEEPALIVE=${PUSH_KEEPALIVE:-$(sed -n \
    's/^[[:space:]]*keepalive[[:space:]]\{1,\}\([0-9]\{1,\}\);.*/\1/p' \
    "$SITE_CONF")}
VERBOSE=()
[ -n "${PUSH_VERBOSE:-}" ] && VERBOSE=(-v)
source tools/stack.sh
source tools/push_lib.bash

case $FROM in feed|commit) ;; *) echo "PUSH_FROM: feed or commit" >&2; exit 2 ;; esac
[ -n "$KEEPALIVE" ] || { echo "no keepalive in $SITE_CONF" >&2; exit 2; }
[ -x "$BIN/tickfeed.fcgi" ] || make -s all
push_build_client || exit 1
# Ten thousand clients: their sockets here, twice that in nginx.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-push.XXXXXX")
chmod 755 "$TMP"
STACK_DIR=$TMP/stack
trap 'stack_stop; rm -rf "$TMP"' EXIT

# Both nginx alike, sized for 10,000 clients.  Two workers sharing the
# port (reuseport): with the client and the upstream connection each,
# 10,000 clients need 20,000 descriptors, more than one process may hold
# here (ulimit -Hn is 20,000 in some containers).
STACK_NGINX_WORKERS=2
STACK_NGINX_CONNECTIONS=$(( $(ulimit -n) - 100 ))
STACK_NGINX_LISTEN="backlog=4096 reuseport"
STACK_NGINX_KEEPALIVE=$KEEPALIVE
APP_BY=spawn-fcgi
command -v spawn-fcgi >/dev/null || APP_BY=stack_start_app

# children PID: the processes whose parent is PID (nginx's workers).
children() {
	local f s ppid
	for f in /proc/[0-9]*/stat; do
		s=$(cat "$f" 2>/dev/null) || continue
		read -r _ ppid _ <<<"${s##*) }"
		[ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}
# nginx_pids DIR: the master of DIR/nginx.pid and its workers, a,b,c.
nginx_pids() {
	local m
	m=$(cat "$1/nginx.pid")
	{ echo "$m"; children "$m"; } | paste -sd, -
}

# PUSH_VERBOSE: pushload's per-message lines, before the row they belong to.
permsg() { [ ${#VERBOSE[@]} -eq 0 ] || sed -n 's/^message/    message/p' <<<"$1"; }

field() { sed -n "s/.*\b$1=\([0-9.-]*\).*/\1/p" <<<"$2"; }
mb() { [ -n "$1" ] && echo $(( ($1 + 512) / 1024 )); }

# The app, as the user starts it: spawn-fcgi makes the socket and hands
# it over on fd 0.  The waiter cap is raised above 10,000 only so that a
# re-poll that arrives before its answered predecessor is counted out
# cannot meet a 503 at exactly 10,000 clients.
app_start() {
	if [ "$APP_BY" = stack_start_app ]; then
		TICKFEED_MAX_WAITERS=20000 stack_start_app "$1" >/dev/null
		return
	fi
	stack_dir
	rm -f "$STACK_DIR/app.sock"
	TICKFEED_MAX_WAITERS=20000 spawn-fcgi -s "$STACK_DIR/app.sock" \
	    -M 0666 -P "$STACK_DIR/app.pid" -- "$BIN/tickfeed.fcgi" -d "$1" \
	    >>"$STACK_DIR/app.log" 2>&1 || return 1
	STACK_PIDFILES+=("$STACK_DIR/app.pid")
	stack_wait_for test -S "$STACK_DIR/app.sock"
}

# The feed: the ingest tool with its default flags reading a FIFO, in
# the background until pushload closes the FIFO.  Sets ING_PID.
ingest_start() {
	rm -f "$TMP/feed"
	mkfifo "$TMP/feed" || return 1
	"$BIN/tickfeed-ingest" --db "$1" --follow - <"$TMP/feed" \
	    >"$TMP/ingest.log" 2>&1 &
	ING_PID=$!
	echo "$ING_PID" >"$TMP/ingest.pid"
	STACK_PIDFILES+=("$TMP/ingest.pid")
}

# tickfeed TRANSPORT N: one run; sets OUT to pushload's figures.
tickfeed_run() {
	local n=$2 db=$TMP/ticks-$1-$2.db pub kind=-P
	[ "$1" = sse ] && kind=-S
	"$BIN/tickfeed-ingest" --db "$db" -q init || return 1
	app_start "$db" || return 1
	stack_start_nginx "$(stack_free_port)" >/dev/null || return 1
	pub=(-W "$db")
	if [ "$FROM" = feed ]; then
		ingest_start "$db" || return 1
		pub+=(-F "$TMP/feed" -C "$ING_PID")
	fi
	OUT=$("$PUSHLOAD" -p "${STACK_URL##*:}" "$kind" "$n" "${pub[@]}" \
	    -R "$RATE" -M "$MESSAGES" -t 50 -T 120 "${VERBOSE[@]}" \
	    -C "$(cat "$STACK_DIR/app.pid")" \
	    -C "$(nginx_pids "$STACK_DIR/nginx")" 2>&1)
	if [ "$FROM" = feed ]; then
		# pushload closed the pipe: the tool commits and ends (if
		# pushload failed before opening it, the pid file stops it).
		stack_wait_for sh -c "! kill -0 $ING_PID"
		stack_kill_pidfile "$TMP/ingest.pid"
		wait "$ING_PID"
		grep -q "stored $((MESSAGES + 1))," "$TMP/ingest.log" ||
		    echo "  ingest: $(tr '\n' ' ' <"$TMP/ingest.log")"
	fi
	stack_stop
	rm -f "$db" "$db"-*
}

# nchan TRANSPORT N: one run on a fresh Nchan; sets OUT.
nchan_run() {
	local d=$TMP/nginx-nchan kind=-N port
	[ "$1" = sse ] && kind=-E
	port=$(stack_free_port)
	stack_nginx_conf "$d" "$port" "" \
	    "nchan_message_buffer_length 1000;
	     location = /sub/bench { nchan_subscriber longpoll; nchan_channel_id bench; }
	     location = /es/bench { nchan_subscriber eventsource; nchan_channel_id bench; }
	     location = /pub/bench { nchan_publisher; nchan_channel_id bench; }" \
	    "load_module /usr/lib/nginx/modules/ngx_nchan_module.so;"
	stack_nginx_run "$d" || return 1
	OUT=$("$PUSHLOAD" -p "$port" "$kind" "$2" -U /pub/bench -R "$RATE" \
	    -M "$MESSAGES" -T 120 "${VERBOSE[@]}" -C "$(nginx_pids "$d")" 2>&1)
	stack_stop
}

ROW='%-5s %6s %-8s %7s %7s %7s %6s %7s %5s %6s %6s %4s %7s %7s %8s %7s %7s\n'
# row SYSTEM TRANSPORT N: prints OUT as a row; sets P99 and MEM.
row() {
	local o=$OUT ing=- app=- appmb=- thr=- ngx srv cpu a b
	permsg "$o"; o=$(tail -1 <<<"$o")
	P99=$(field p99_ms "$o")
	if [ "$1" = tickfeed ]; then
		cpu=1; [ "$FROM" = feed ] && { ing=$(field cpu1_us "$o"); cpu=2; }
		app=$(field cpu${cpu}_us "$o"); appmb=$(mb "$(field rss${cpu}_kb "$o")")
		thr=$(field threads$cpu "$o")
		a=$(field rss${cpu}_kb "$o"); b=$(field rss$((cpu + 1))_kb "$o")
		MEM=$(( ${a:-0} + ${b:-0} ))
		ngx=$(field cpu$((cpu + 1))_us "$o")
		srv=$(awk -v a="$ing" -v b="$app" -v c="$ngx" \
		    'BEGIN { printf "%.1f", a + b + c }')
	else
		ngx=$(field cpu1_us "$o"); srv=$ngx
		MEM=$(field rss1_kb "$o")
	fi
	printf "$ROW" "$2" "$3" "$1" "$(field p50_ms "$o")" "$P99" \
	    "$(field max_ms "$o")" "$(field missed "$o")" \
	    "$(field doubled "$o")" "$(field disorder "$o")" "$(mb "$MEM")" \
	    "$appmb" "$thr" "$ing" "$app" "$ngx" "$srv" "$(field cli_cpu_us "$o")"
	[ -n "$(field missed "$o")" ] || echo "  $1: $o"
}

if [ "$FROM" = feed ]; then
	echo "tickfeed: feed line -> client (tickfeed-ingest --follow - with its" \
	    "default flags, reading a pipe)"
else
	echo "tickfeed: SQLite commit -> client (pushload commits)"
fi
ka_from=${PUSH_KEEPALIVE:+PUSH_KEEPALIVE}
echo "  the app by $APP_BY; nginx with the shipped snippet, upstream" \
    "keepalive $KEEPALIVE (${ka_from:-tickfeed-site.conf})"
echo "nchan: POST to its publisher -> client"
echo "both nginx: $STACK_NGINX_WORKERS workers, worker_connections" \
    "$STACK_NGINX_CONNECTIONS"
printf "$ROW" mode N system p50_ms p99_ms max_ms missed doubled order \
    mem_MB app_MB thr ing_us app_us nginx_us srv_us cli_us
declare -A P MEMS
for t in $TRANSPORTS; do
	for n in $NS; do
		tickfeed_run "$t" "$n" || { echo "tickfeed did not start"; exit 1; }
		row tickfeed "$t" "$n"; P[tf$t$n]=$P99; MEMS[tf$t$n]=$MEM
		nchan_run "$t" "$n" || { echo "nchan did not start"; exit 1; }
		row nchan "$t" "$n"; P[nc$t$n]=$P99; MEMS[nc$t$n]=$MEM
	done
done
echo
last=${NS##* }
for t in $TRANSPORTS; do
	for n in $NS; do
		awk -v t="$t" -v n="$n" -v a="${P[tf$t$n]:-0}" \
		    -v b="${P[nc$t$n]:-0}" -v ma="${MEMS[tf$t$n]:-0}" \
		    -v mb="${MEMS[nc$t$n]:-0}" -v last="$last" 'BEGIN {
			printf "%-4s N=%-6d p99 tickfeed/nchan = %5.2f (target <= 2.00)" \
			    "   memory = %4.2f%s\n", t, n, (b > 0 ? a / b : 0),
			    (mb > 0 ? ma / mb : 0),
			    (n == last ? " (target <= 1.50)" : "") }'
	done
done
echo "rate $RATE msg/s, $MESSAGES messages per run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
