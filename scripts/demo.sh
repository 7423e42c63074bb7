#!/bin/bash
# scripts/demo.sh (make demo): the whole thing on this machine.  Installs
# what is missing, builds, creates ./run/ticks.db, starts the simulator
# feeding 20 ticks/s, the app on a unix socket and nginx on
# 127.0.0.1:8080 (DEMO_PORT), each with its config and pid file under
# ./run/, prints the URLs and waits.  Ctrl-C (or SIGTERM) stops what it
# started, by pid, and nothing else.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${DEMO_PORT:-8080}
RUN=$ROOT/run

scripts/deps.sh build
make -j2 all >/dev/null
mkdir -p "$RUN"
chmod 755 "$RUN"		# nginx's workers run as nobody
if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$PORT))!=0)"; then
	echo "demo: 127.0.0.1:$PORT is in use (another demo?); set DEMO_PORT" >&2
	exit 1
fi

STACK_DIR=$RUN
. tools/stack.sh
DB=$RUN/ticks.db
stopping=0
stop() {
	[ "$stopping" -eq 1 ] && return
	stopping=1
	echo
	echo "demo: stopping"
	stack_stop
	stack_kill_pidfile "$RUN/ingest.pid"
	rm -f "$RUN/ingest.pid" "$RUN/app.pid"
	exit 0
}
trap stop INT TERM
trap 'stack_stop; stack_kill_pidfile "$RUN/ingest.pid"' EXIT

[ -f "$DB" ] || build/bin/tickfeed-ingest --db "$DB" init >/dev/null
# A demo store from an earlier release: brought to this one's schema.
build/bin/tickfeed-ingest --db "$DB" -q migrate || exit 1
build/bin/tickfeed-ingest --db "$DB" simulate --rate 20 \
    >>"$RUN/ingest.log" 2>&1 &
echo $! >"$RUN/ingest.pid"
stack_start_app "$DB"
stack_start_nginx "$PORT" >/dev/null

cat <<MSG

tickfeed demo: simulator -> $DB -> tickfeed.fcgi -> nginx

  chart     $STACK_URL/
  symbols   $STACK_URL/api/v1/symbols
  quotes    $STACK_URL/api/v1/quotes
  ticks     $STACK_URL/api/v1/ticks?symbol=AAPL&limit=20
  candles   $STACK_URL/api/v1/candles?symbol=AAPL&interval=1m&limit=30
  long-poll $STACK_URL/api/v1/poll?timeout=10
  stream    $STACK_URL/api/v1/stream
  health    $STACK_URL/api/v1/health
  metrics   $STACK_URL/api/v1/metrics

configs, logs and pid files: $RUN/   (Ctrl-C stops everything)
MSG
while kill -0 "$(cat "$RUN/app.pid")" 2>/dev/null &&
    kill -0 "$(cat "$RUN/ingest.pid")" 2>/dev/null; do
	sleep 1
done
echo "demo: the app or the simulator stopped; see $RUN/*.log" >&2
stop
