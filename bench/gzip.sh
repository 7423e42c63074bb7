#!/bin/bash
# bench/gzip.sh: what compression costs a polling client's answer, through
# nginx with conf/ on loopback, three ways measured in this one run,
# interleaved (the machine is shared):
#   identity   no Accept-Encoding: the answer as it is
#   app gzip   Accept-Encoding: gzip: the app's gzipped copy, made once
#              per answer (cgi-bin/reply.h)
#   nginx gzip the same request, but nginx compresses every answer on the
#              fly (a location that hides Accept-Encoding from the app and
#              turns gzip on, level 1): what gzip on in nginx would cost
# for quotes?symbols= (5) and ticks?symbol=&limit=100 on bench/poll.sh's
# store.  Prints bytes per answer and req/s, best of GZIP_ROUNDS (3) runs
# of GZIP_SECONDS (3) each: about 6 x ROUNDS x SECONDS in all.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
. "$ROOT/tools/stack.sh"
SECS=${GZIP_SECONDS:-3}
ROUNDS=${GZIP_ROUNDS:-3}

command -v wrk >/dev/null || { echo "gzip: wrk not installed (scripts/deps.sh)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-gzip.XXXXXX")
chmod 755 "$T"
STACK_DIR=$T/stack
trap 'stack_stop; rm -rf "$T"' EXIT

DB=$T/bench.db
"$ROOT/$BUILD/bin/tickfeed-ingest" --db "$DB" -q simulate \
    --symbols AAPL,MSFT,GOOG,AMZN,TSLA --seed 7 --count 20000 --rate 0 \
    --start-ts 1704240000000 --step-ms 250 >/dev/null
sqlite3 "$DB" 'PRAGMA journal_mode=DELETE' >/dev/null
chmod 644 "$DB"

# /otf/api/...: the app answers uncompressed (it ignores what stands
# before /api/v1/), nginx compresses.
STACK_NGINX_WORKERS=auto
STACK_NGINX_EXTRA="
	location ^~ /otf/ {
	    fastcgi_pass tickfeed_app;
	    fastcgi_keep_conn on;
	    fastcgi_param REQUEST_METHOD \$request_method;
	    fastcgi_param REQUEST_URI \$request_uri;
	    fastcgi_param QUERY_STRING \$query_string;
	    fastcgi_param CONTENT_LENGTH \$content_length;
	    fastcgi_param HTTP_ACCEPT_ENCODING \"\";
	    gzip on;
	    gzip_types application/json;
	    gzip_comp_level 1;
	}"
stack_start_app "$DB" -t 4 >/dev/null
stack_start_nginx >/dev/null
URL=$STACK_URL
QUOTES="/api/v1/quotes?symbols=AAPL,MSFT,GOOG,AMZN,TSLA"
TICKS="/api/v1/ticks?symbol=AAPL&limit=100"
AE="Accept-Encoding: gzip"

# The three ways must carry the same answer.
for q in "$QUOTES" "$TICKS"; do
	plain=$(curl -s "$URL$q")
	[ "$(curl -s -H "$AE" "$URL$q" | gzip -dc)" = "$plain" ] &&
	    [ "$(curl -s -H "$AE" "$URL/otf$q" | gzip -dc)" = "$plain" ] || {
		echo "gzip: $q: the compressed answers differ" >&2; exit 1; }
done

size() { curl -s -o /dev/null -w '%{size_download}' ${2:+-H "$2"} "$URL$1"; }
run() {	# run URL [HEADER]: req/s of one bounded wrk run
	timeout $((SECS + 30)) wrk -t2 -c32 -d"${SECS}s" ${2:+-H "$2"} "$1" |
	    awk '/^Requests\/sec/ {print $2}'
}
declare -A RPS
best() {	# best KEY URL [HEADER]
	local r
	r=$(run "$2" "${3:-}")
	if [ -z "${RPS[$1]:-}" ] || awk -v a="$r" -v b="${RPS[$1]}" 'BEGIN {exit !(a > b)}'; then
		RPS[$1]=$r
	fi
}
for round in $(seq "$ROUNDS"); do
	for q in quotes ticks; do
		[ $q = quotes ] && p=$QUOTES || p=$TICKS
		best ${q}_id "$URL$p"
		best ${q}_app "$URL$p" "$AE"
		best ${q}_otf "$URL/otf$p" "$AE"
	done
done

echo
echo "wrk -t2 -c32 -d${SECS}s on 127.0.0.1, best of $ROUNDS interleaved rounds;" \
    "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %-12s %8s %10s %7s\n' query way bytes req/s ratio
for q in quotes ticks; do
	[ $q = quotes ] && p=$QUOTES || p=$TICKS
	[ $q = quotes ] && label="quotes?symbols= (5)" || label="ticks?symbol=&limit=100"
	printf '%-26s %-12s %8s %10.0f %7s\n' "$label" identity "$(size "$p")" "${RPS[${q}_id]}" 1.00
	printf '%-26s %-12s %8s %10.0f %7.2f\n' "" "app gzip" "$(size "$p" "$AE")" \
	    "${RPS[${q}_app]}" "$(awk -v a="${RPS[${q}_app]}" -v b="${RPS[${q}_id]}" 'BEGIN {print a / b}')"
	printf '%-26s %-12s %8s %10.0f %7.2f\n' "" "nginx gzip" "$(size "/otf$p" "$AE")" \
	    "${RPS[${q}_otf]}" "$(awk -v a="${RPS[${q}_otf]}" -v b="${RPS[${q}_id]}" 'BEGIN {print a / b}')"
done
