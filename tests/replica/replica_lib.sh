# Shared by tests/replica/*.t (sourced after tests/lib.sh and
# tests/ingest/ingest_lib.sh): a real redis-server of the test's
# own on 127.0.0.1 (its config, dir and pid file in $TEST_TMP, stopped
# by pid file on exit), and ways to compare an edge with its origin.
command -v redis-server >/dev/null || skip_all "redis-server not installed"
command -v redis-cli >/dev/null || skip_all "redis-cli not installed"

# redis_start NAME [PORT [EXTRA CONFIG LINES]]: a redis-server in
# $TEST_TMP/NAME; sets REDIS_PORT.  Persistence off unless EXTRA says.
redis_start() {
	local d=$TEST_TMP/$1 port=${2:-$(stack_free_port)}
	mkdir -p "$d"
	cat > "$d/redis.conf" <<-CONF
	bind 127.0.0.1
	port $port
	daemonize yes
	pidfile $d/redis.pid
	dir $d
	logfile $d/redis.log
	save ""
	appendonly no
	${3:-}
	CONF
	redis-server "$d/redis.conf" || return 1
	on_exit "stack_kill_pidfile $d/redis.pid"
	REDIS_PORT=$port
	wait_for redis_up "$port"
}
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = PONG ]; }
# redis_stop NAME: stops it by its pid file.
redis_stop() { stack_kill_pidfile "$TEST_TMP/$1/redis.pid"; }
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

# bg NAME CMD...: runs CMD in the background, its pid in $TEST_TMP/NAME.pid
# (killed on exit), its output in NAME.out / NAME.err.
bg() {
	local name=$1; shift
	"$@" > "$TEST_TMP/$name.out" 2> "$TEST_TMP/$name.err" &
	echo $! > "$TEST_TMP/$name.pid"
	on_exit "stack_kill_pidfile $TEST_TMP/$name.pid"
}
# stop NAME: SIGTERM by pid file, waits; its exit status in $RC.  Not
# in $(...): only this shell can wait for it.
stop() {
	local pid
	pid=$(cat "$TEST_TMP/$1.pid")
	kill "$pid" 2>/dev/null
	wait "$pid"
	RC=$?
}
# kill9 NAME: SIGKILL by pid file, and reaped.
kill9() {
	local pid
	pid=$(cat "$TEST_TMP/$1.pid")
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# The tables an edge must hold byte for byte as its origin: every row of
# ticks, candles (every column: the notional too) and symbols, settings
# (the trading zone), and meta but the keys replicate and snapshot write
# (the edge's position and state).
table_hash() {
	case $2 in
	meta) q "$1" "SELECT key, value FROM meta WHERE key NOT LIKE 'replica\\_%' ESCAPE '\\' ORDER BY key" ;;
	candles) q "$1" "SELECT * FROM candles ORDER BY symbol_id, iv, t" ;;
	settings) q "$1" "SELECT * FROM settings ORDER BY key" ;;
	*) q "$1" "SELECT * FROM $2 ORDER BY id" ;;
	esac | md5sum | cut -c1-32
}
store_hash() {
	local t
	for t in ticks candles symbols settings meta; do printf '%s=%s ' "$t" "$(table_hash "$1" "$t")"; done
	printf 'cursor=%s\n' "$(q "$1" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ticks'), 0)")"
}
# same_store ORIGIN EDGE WHAT: one check per table.
same_store() {
	local t
	for t in ticks candles symbols settings meta; do
		is "$(table_hash "$2" $t)" "$(table_hash "$1" $t)" "$3: $t as the origin's"
	done
}
meta_of() { q "$1" "SELECT value FROM meta WHERE key = '$2'"; }
cursor_of() { q "$1" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ticks'), 0)"; }
# until_cursor DB N: the store's cursor reaches N (20 s at most).
cursor_is() { [ "$(cursor_of "$1")" = "$2" ]; }
until_cursor() { wait_for cursor_is "$1" "$2"; }

# stream_entries [STREAM]: one line per entry of the stream, oldest
# first: ID PREV TICKS PRUNE.
stream_entries() {
	rcli --json XRANGE "${1:-tickfeed}" - + | python3 -c '
import json, sys
for i, f in json.load(sys.stdin):
    d = dict(zip(f[::2], f[1::2]))
    print(i, d.get("prev"), d.get("ticks", "").count("\n"), d.get("prune"))'
}
# stream_chain [STREAM]: "ok" when every entry names the one before it
# as prev (no double, no hole), else the first entry that does not.
stream_chain() {
	stream_entries "$@" | awk 'NR > 1 && $2 != last { print "broken at " $1 " (prev " $2 ", before it " last ")"; bad = 1; exit }
	    { last = $1 } END { if (!bad) print "ok" }'
}

# feed N SEED T0 STEP [SYMBOLS]: N ticks as CSV (no seq), about STEP ms
# apart from T0 (ms), over SYMBOLS (default 5), prices with 2 decimals
# and now and then 3, so the symbols' print decimals change too.
feed() {
	awk -v n="$1" -v seed="$2" -v t0="$3" -v step="$4" -v ns="${5:-5}" 'BEGIN {
		srand(seed); print "symbol,ts,price,size"
		for (i = 0; i < n; i++) {
			p = 1000 + int(rand() * 90000)
			d = rand() < 0.05 ? sprintf("%d.%03d", p / 100, (p % 100) * 10 + 1) : sprintf("%d.%02d", p / 100, p % 100)
			printf "S%d,%.0f,%s,%d\n", i % ns, t0 + i * step + int(rand() * 3), d, 1 + int(rand() * 500)
		}
	}'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# caught_up ORIGIN EDGE: the edge holds what the origin holds.
caught_up() { [ "$(store_hash "$1")" = "$(store_hash "$2")" ]; }

# app_cgi DB TARGET [VAR=VALUE...]: the app once as plain CGI on DB;
# prints "STATUS BODY".
app_cgi() {
	local db=$1 target=$2 out query=
	shift 2
	case $target in *\?*) query=${target#*\?} ;; esac
	out=$(env -i PATH="$PATH" REQUEST_METHOD=GET REQUEST_URI="$target" \
	    QUERY_STRING="$query" SCRIPT_NAME=/tickfeed.fcgi \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    TICKFEED_DB="$db" "$@" "$BIN/tickfeed.fcgi" 2>/dev/null | tr -d '\r')
	printf '%s %s\n' "$(echo "$out" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')" \
	    "$(echo "$out" | sed '1,/^$/d')"
}
# eventually WANT CMD...: CMD comes to print WANT (20 s at most).
eventually() { wait_for output_is "$@"; }
output_is() { local want=$1; shift; [ "$("$@")" = "$want" ]; }
top_of() { rcli XREVRANGE "${1:-tickfeed}" + - COUNT 1 | head -1; }
# started NAME: publish or replicate NAME said where it starts from (it
# reached Redis and read the stream's top or its position).
started() { wait_for grep -q ': \(publish\|replicate\): .* stream .* at ' "$TEST_TMP/$1.err"; }
