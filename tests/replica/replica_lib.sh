# Shared by tests/replica/*.t (sourced after tests/lib.sh and
# tests/integration/ingest_lib.sh): a real redis-server of the test's
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
# stop NAME: SIGTERM by pid file; prints the exit status.
stop() {
	local pid
	pid=$(cat "$TEST_TMP/$1.pid")
	kill "$pid" 2>/dev/null
	wait "$pid"
	echo $?
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
# ticks, candles and symbols, and meta but the keys replicate and
# snapshot write (the edge's position and state).
table_hash() {
	case $2 in
	meta) q "$1" "SELECT key, value FROM meta WHERE key NOT LIKE 'replica\\_%' ESCAPE '\\' ORDER BY key" ;;
	candles) q "$1" "SELECT * FROM candles ORDER BY symbol_id, iv, t" ;;
	*) q "$1" "SELECT * FROM $2 ORDER BY id" ;;
	esac | md5sum | cut -c1-32
}
store_hash() {
	local t
	for t in ticks candles symbols meta; do printf '%s=%s ' "$t" "$(table_hash "$1" "$t")"; done
	printf 'cursor=%s\n' "$(q "$1" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ticks'), 0)")"
}
# same_store ORIGIN EDGE WHAT: one check per table.
same_store() {
	local t
	for t in ticks candles symbols meta; do
		is "$(table_hash "$2" $t)" "$(table_hash "$1" $t)" "$3: $t as the origin's"
	done
}
meta_of() { q "$1" "SELECT value FROM meta WHERE key = '$2'"; }
cursor_of() { q "$1" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ticks'), 0)"; }
# until_cursor DB N: the store's cursor reaches N (20 s at most).
cursor_is() { [ "$(cursor_of "$1")" = "$2" ]; }
until_cursor() { wait_for cursor_is "$1" "$2"; }
