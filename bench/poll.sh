#!/bin/bash
# bench/poll.sh: polling throughput of tickfeed.fcgi behind nginx, beside
# its peers, all measured in this one run with wrk on loopback:
#   - nginx serving a static file with the very same bytes (the ceiling)
#   - tickfeed.fcgi (4 threads, unix socket) behind nginx with conf/
#   - Node: express + better-sqlite3 12 (bench/peers/node), direct
#   - PHP-FPM with PDO SQLite (bench/peers/php) behind the same nginx
# for quotes?symbols= (5 symbols) and ticks?symbol=&limit=100, and a 304
# to If-None-Match.  Prints req/s, p99 and the ratio to the ceiling.
#   POLL_SECONDS (5) per run, POLL_ROUNDS (3), POLL_CONNECTIONS (32),
#   POLL_THREADS (2): about 10 x ROUNDS x SECONDS in all.
#   POLL_ENCODING=gzip: every request sends Accept-Encoding: gzip (the
#   static copies are then compressed by nginx too, as the app's are).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
. "$ROOT/tools/stack.sh"
SECS=${POLL_SECONDS:-5}
ROUNDS=${POLL_ROUNDS:-3}
CONNS=${POLL_CONNECTIONS:-32}
WRK_THREADS=${POLL_THREADS:-2}

command -v wrk >/dev/null || { echo "poll: wrk not installed (scripts/deps.sh)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-poll.XXXXXX")
chmod 755 "$T"
STACK_DIR=$T/stack
cleanup() {
	stack_stop
	stack_kill_pidfile "$T/node.pid"
	stack_kill_pidfile "$T/php-fpm.pid"
	rm -rf "$T"
}
trap cleanup EXIT

# The store: 20,000 simulated ticks over 5 symbols.
DB=$T/bench.db
"$ROOT/$BUILD/bin/tickfeed-ingest" --db "$DB" -q simulate \
    --symbols AAPL,MSFT,GOOG,AMZN,TSLA --seed 7 --count 20000 --rate 0 \
    --start-ts 1704240000000 --step-ms 250 >/dev/null
sqlite3 "$DB" 'PRAGMA journal_mode=DELETE' >/dev/null	# readable by nobody
chmod 644 "$DB"

QUOTES="/api/v1/quotes?symbols=AAPL,MSFT,GOOG,AMZN,TSLA"
TICKS="/api/v1/ticks?symbol=AAPL&limit=100"

# PHP-FPM: its own config, pool socket and pid file.
cat >"$T/php-fpm.conf" <<CONF
[global]
pid = $T/php-fpm.pid
error_log = $T/php-fpm.log
daemonize = yes
[bench]
listen = $T/php.sock
listen.mode = 0666
$( [ "$(id -u)" -eq 0 ] && printf 'user = nobody\ngroup = nogroup\n' )
pm = static
pm.max_children = 4
CONF
php_fpm=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
"$php_fpm" -y "$T/php-fpm.conf"
stack_wait_for test -S "$T/php.sock"

# Static copies of the app's answers, served by the same nginx.
mkdir -p "$T/static"
STACK_NGINX_WORKERS=auto
STACK_NGINX_EXTRA="
	location /static/ { alias $T/static/; default_type application/json;
	    ${POLL_ENCODING:+gzip on;} }
	location ~ ^/php/(quotes|ticks)\$ {
	    include fastcgi_params;
	    fastcgi_param SCRIPT_FILENAME $ROOT/bench/peers/php/api.php;
	    fastcgi_param PEER_ENDPOINT \$1;
	    fastcgi_param TICKFEED_DB $DB;
	    fastcgi_pass unix:$T/php.sock;
	}"
stack_start_app "$DB" -t 4
stack_start_nginx >/dev/null
URL=$STACK_URL
curl -s "$URL$QUOTES" >"$T/static/quotes.json"
curl -s "$URL$TICKS" >"$T/static/ticks.json"
ETAG=$(curl -s -o /dev/null -D - "$URL$TICKS" | tr -d '\r' | sed -n 's/^ETag: //Ip')

# Node: its own modules from the lockfile.
if [ ! -d "$ROOT/bench/peers/node/node_modules" ]; then
	npm ci --prefix "$ROOT/bench/peers/node" --no-audit --no-fund \
	    --loglevel=error >/dev/null
fi
NODE_PORT=$(stack_free_port)
node "$ROOT/bench/peers/node/server.js" "$NODE_PORT" "$DB" \
    >"$T/node.log" 2>&1 &
echo $! >"$T/node.pid"
NODE=http://127.0.0.1:$NODE_PORT
stack_wait_for curl -sf -o /dev/null "$NODE$QUOTES"

# Every server must answer the same bytes, or the race is not fair.
same() {
	local what=$1 ref=$2 u
	shift 2
	for u in "$@"; do
		cmp -s "$ref" <(curl -s "$u") || {
			echo "poll: $u answers other bytes than the app" >&2; exit 1; }
	done
	echo "same bytes: $what ($(wc -c <"$ref") bytes) from static, app, node, php"
}
same quotes "$T/static/quotes.json" "$URL/static/quotes.json" "$NODE$QUOTES" "$URL/php/quotes?symbols=AAPL,MSFT,GOOG,AMZN,TSLA"
same ticks "$T/static/ticks.json" "$URL/static/ticks.json" "$NODE$TICKS" "$URL/php/ticks?symbol=AAPL&limit=100"

# run LABEL URL [HEADER]: prints "req/s p99_ms" from one bounded wrk run.
run() {
	local out rps p99
	out=$(timeout $((SECS + 30)) wrk -t"$WRK_THREADS" -c"$CONNS" \
	    -d"${SECS}s" --latency ${3:+-H "$3"} \
	    ${POLL_ENCODING:+-H "Accept-Encoding: $POLL_ENCODING"} "$2")
	if echo "$out" | grep -q 'Non-2xx or 3xx'; then
		echo "poll: $1: errors: $(echo "$out" | grep 'Non-2xx')" >&2
	fi
	rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {v=$2;
	    if (v ~ /us$/) {sub(/us$/,"",v); v/=1000}
	    else if (v ~ /ms$/) {sub(/ms$/,"",v)}
	    else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}
	    printf "%.2f", v}')
	echo "$rps $p99"
}

# Every configuration ROUNDS times, interleaved (the machine is shared:
# a burst of someone else's work should not land on one server only);
# each keeps its best run.
declare -A RPS P99
best() {	# best KEY URL [HEADER]
	local rps p99
	read -r rps p99 < <(run "$1" "$2" "${3:-}")
	if [ -z "${RPS[$1]:-}" ] || awk -v a="$rps" -v b="${RPS[$1]}" 'BEGIN {exit !(a > b)}'; then
		RPS[$1]=$rps P99[$1]=$p99
	fi
}
STATIC_ETAG=$(curl -s -o /dev/null -D - "$URL/static/ticks.json" | tr -d '\r' | sed -n 's/^ETag: //Ip')
for round in $(seq "$ROUNDS"); do
	best quotes_static "$URL/static/quotes.json"
	best quotes_app "$URL$QUOTES"
	best quotes_node "$NODE$QUOTES"
	best quotes_php "$URL/php/quotes?symbols=AAPL,MSFT,GOOG,AMZN,TSLA"
	best ticks_static "$URL/static/ticks.json"
	best ticks_app "$URL$TICKS"
	best ticks_node "$NODE$TICKS"
	best ticks_php "$URL/php/ticks?symbol=AAPL&limit=100"
	best static304 "$URL/static/ticks.json" "If-None-Match: $STATIC_ETAG"
	best app304 "$URL$TICKS" "If-None-Match: $ETAG"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
row() {	# row QUERY SERVER KEY CEILING_KEY
	printf '%-26s %-24s %10.0f %9s %7s\n' "$1" "$2" "${RPS[$3]}" \
	    "${P99[$3]}" "$(ratio "${RPS[$3]}" "${RPS[$4]}")"
}

echo
echo "wrk -t$WRK_THREADS -c$CONNS -d${SECS}s on 127.0.0.1, best of $ROUNDS interleaved rounds;"
echo "$(nproc) cores shared by wrk, nginx ($STACK_NGINX_WORKERS workers) and the server; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %-24s %10s %9s %7s\n' query server req/s "p99 ms" ratio
for q in quotes ticks; do
	case $q in
	quotes) label="quotes?symbols= (5)" ;;
	ticks) label="ticks?symbol=&limit=100" ;;
	esac
	row "$label" "nginx static (ceiling)" ${q}_static ${q}_static
	row "" "tickfeed.fcgi" ${q}_app ${q}_static
	row "" "node express+bsqlite3" ${q}_node ${q}_static
	row "" "php-fpm pdo_sqlite" ${q}_php ${q}_static
done
row "304 (If-None-Match)" "nginx static 304" static304 ticks_static
row "" "tickfeed.fcgi 304" app304 ticks_static
echo
echo "ratios to the ceiling: quotes $(ratio "${RPS[quotes_app]}" "${RPS[quotes_static]}") (target 0.35)," \
    "ticks $(ratio "${RPS[ticks_app]}" "${RPS[ticks_static]}") (target 0.35)," \
    "304 $(ratio "${RPS[app304]}" "${RPS[ticks_static]}") (target 0.5)"
echo "app / node: quotes $(ratio "${RPS[quotes_app]}" "${RPS[quotes_node]}")x," \
    "ticks $(ratio "${RPS[ticks_app]}" "${RPS[ticks_node]}")x;" \
    "app / php-fpm: quotes $(ratio "${RPS[quotes_app]}" "${RPS[quotes_php]}")x," \
    "ticks $(ratio "${RPS[ticks_app]}" "${RPS[ticks_php]}")x"
