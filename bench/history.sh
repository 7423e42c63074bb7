#!/bin/bash
# bench/history.sh: does the cost of a read stay flat as the history
# grows (issue #14)?  Stores of 1M, 10M and 50M ticks, each built once by
# tickfeed-ingest and kept in HISTORY_STORES (build/bench-stores) for
# later runs: 500 days of AAPL alone, one tick a minute, then 50 symbols
# (AAPL, S02..S50) at 10 ticks a second in all for the rest.  Each store
# is served by tickfeed.fcgi (4 threads) behind nginx with conf/, all at
# once, each under its own live feed: tickfeed-ingest simulate at 10 ticks
# a second to AAPL, S02 and S03, which commits each tick alone (a stream
# client counts the commits: one event each).  wrk through nginx, per
# endpoint, best of rounds interleaved over the stores: req/s, p99, the
# ratio to the smallest store, and how many answers the app computed from
# the store during the run (the rest it served from its shared memory).
# Then the targets: at the largest store every endpoint at >= 0.8 of its
# rate at the smallest; candles 1d with the feed at >= 0.5 of its rate
# without; no p99 above 50 ms; no errors.  Exits 1 when one is missed.
#   HISTORY_SIZES ("1000000 10000000 50000000"; each above 820000)
#   HISTORY_SECONDS (5) per run, HISTORY_ROUNDS (3), HISTORY_CONNECTIONS
#   (32), HISTORY_THREADS (2 wrk threads): 9 runs a store a round, so
#   about 27 x ROUNDS x SECONDS for the three stores, plus the builds the
#   first time (50M: several minutes and about 6 GB of disk).
#   HISTORY_STORES: where the stores are kept; HISTORY_CHUNK (1000000):
#   the last ticks of a store imported apart, timed (stores of more than
#   twice that past the minutes).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
. "$ROOT/tools/stack.sh"
SIZES=$(tr -s ' ' '\n' <<< "${HISTORY_SIZES:-1000000 10000000 50000000}" | sort -nu | xargs)
SECS=${HISTORY_SECONDS:-5}
ROUNDS=${HISTORY_ROUNDS:-3}
CONNS=${HISTORY_CONNECTIONS:-32}
WRK_THREADS=${HISTORY_THREADS:-2}
STORES=${HISTORY_STORES:-$BUILD/bench-stores}
BIN=$BUILD/bin/tickfeed-ingest
# The recipe of a store; a kept store is used only if its stamp says the
# same recipe and schema.  Change RECIPE when the recipe changes.
RECIPE=1
DAYS=500		# AAPL alone, one tick a minute: so that candles 1d
MINUTES=$((DAYS * 1440))	# limit=500 lists 500 days in every store
STEP_MS=100		# then 50 symbols, 10 ticks a second in all
CHUNK=${HISTORY_CHUNK:-1000000}	# the ingest rate of the last CHUNK ticks
SYMS=AAPL$(printf ',S%02d' $(seq 2 50))
FEED_SYMBOLS=AAPL,S02,S03
FEED_RATE=10
PAGE=100
QUOTES=AAPL,S02,S03,S10,S20

command -v wrk >/dev/null || { echo "history: wrk not installed (scripts/deps.sh)"; exit 1; }
[ -x "$BIN" ] && [ -x "$BUILD/bin/tickfeed.fcgi" ] || make -s all
for n in $SIZES; do
	[ "$n" -gt $((MINUTES + 100000)) ] 2>/dev/null || { echo "history: sizes" \
	    "must be integers above $((MINUTES + 100000)): $n" >&2; exit 1; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-history.XXXXXX")
chmod 755 "$T"
cleanup() {
	local n
	for n in $SIZES; do stack_kill_pidfile "$T/feed-$n.pid"; done
	stack_stop
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$STORES"

q() { sqlite3 -bail "$@"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# run_timed CMD...: runs CMD, prints "wall_s cpu_s" (cpu = user + sys).
run_timed() {
	local TIMEFORMAT='%R %U %S' t
	t=$( { time "$@" > /dev/null 2>&1; } 2>&1 ) || { echo "history: $* failed" >&2; exit 1; }
	awk '{ printf "%s %s", $1, $2 + $3 }' <<< "$t"
}

# The schema version this build makes.
"$BIN" --db "$T/version.db" -q init
SCHEMA=$(q "$T/version.db" 'PRAGMA user_version')
recipe() {	# recipe N: the line a store's stamp must hold
	echo "recipe=$RECIPE schema=$SCHEMA n=$1 minutes=$MINUTES step_ms=$STEP_MS symbols=$SYMS"
}

# store_ok N: the kept store of N ticks is there, of this recipe, and has
# not grown more than 1% through the feeds of earlier runs.
store_ok() {
	local db=$STORES/history-$1.db stamp=$STORES/history-$1.stamp top
	[ -s "$db" ] && [ -s "$stamp" ] && grep -qxF "$(recipe "$1")" "$stamp" || return 1
	top=$(q "$db" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'") || return 1
	[ "$top" -ge "$1" ] && [ "$top" -le $(($1 + $1 / 100)) ]
}

# store_build N: builds history-N.db: AAPL's minutes, then the dense ticks
# (the last CHUNK of them imported from a CSV of the same run, timed:
# the rate of ingest as the store fills), all through tickfeed-ingest.
store_build() {
	local n=$1 db=$STORES/history-$1.db tmp=$STORES/history-$1.db.tmp
	local dense=$(($1 - MINUTES)) end t0 t w c last='' s0=$SECONDS
	local need=$(($1 * 130 / 1024)) avail
	avail=$(df -Pk "$STORES" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt "$need" ] || { echo "history: $STORES has $avail KB free, the $n store needs about $need" >&2; exit 1; }
	rm -f "$db" "$db"-wal "$db"-shm "$STORES/history-$n.stamp" "$tmp"*
	end=$(( $(date +%s) / 60 * 60000 ))	# a whole minute
	t0=$((end - dense * STEP_MS))
	echo "history: building the $n-tick store in $STORES (once) ..."
	"$BIN" --db "$tmp" -q simulate --symbols AAPL --seed 1 --rate 0 \
	    --count "$MINUTES" --start-ts $((t0 - MINUTES * 60000)) --step-ms 60000
	if [ "$dense" -ge $((2 * CHUNK)) ]; then
		"$BIN" --db "$tmp" -q simulate --symbols "$SYMS" --seed 2 --rate 0 \
		    --count $((dense - CHUNK)) --start-ts "$t0" --step-ms "$STEP_MS"
		{ echo 'symbol,ts,price,size,seq'
		  "$BIN" simulate --symbols "$SYMS" --seed 2 --rate 0 --count "$dense" \
		      --start-ts "$t0" --step-ms "$STEP_MS" --print csv |
		      tail -n +$((dense - CHUNK + 2)); } >"$T/last.csv"
		t=$(run_timed "$BIN" --db "$tmp" -q "$T/last.csv") || exit 1
		read -r w c <<< "$t"
		last="last_chunk=$CHUNK wall_rate=$(rate "$CHUNK" "$w") cpu_rate=$(rate "$CHUNK" "$c")"
		rm -f "$T/last.csv"
	else
		"$BIN" --db "$tmp" -q simulate --symbols "$SYMS" --seed 2 --rate 0 \
		    --count "$dense" --start-ts "$t0" --step-ms "$STEP_MS"
	fi
	[ "$(q "$tmp" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'")" -eq "$n" ] &&
	    [ "$(q "$tmp" 'SELECT sum(tick_count) FROM symbols')" -eq "$n" ] &&
	    [ "$(q "$tmp" 'SELECT count(*) FROM symbols')" -eq 50 ] ||
	    { echo "history: the $n store does not hold $n ticks of 50 symbols" >&2; exit 1; }
	q "$tmp" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	[ ! -e "$tmp-wal" ] || { echo "history: $tmp-wal left behind" >&2; exit 1; }
	mv "$tmp" "$db"
	{ recipe "$n"; echo "end_ts=$end"; echo "built=$(date -u +%FT%TZ)"
	  echo "bytes=$(stat -c %s "$db")"; echo "build_s=$((SECONDS - s0))"
	  [ -z "$last" ] || echo "$last"; } >"$STORES/history-$n.stamp"
	echo "history: built in $((SECONDS - s0)) s"
}

for n in $SIZES; do
	store_ok "$n" || store_build "$n"
done

# The stacks: one app and one nginx per store, each in its own STACK_DIR.
STACK_NGINX_WORKERS=auto
declare -A URL DB AAPL SINCE_NEW SINCE_MID FROM
for n in $SIZES; do
	DB[$n]=$STORES/history-$n.db
	STACK_DIR=$T/stack-$n
	stack_start_app "${DB[$n]}" -t 4
	stack_start_nginx >/dev/null
	URL[$n]=$STACK_URL
done

feed_start() {
	"$BIN" --db "${DB[$1]}" -q simulate --symbols "$FEED_SYMBOLS" \
	    --seed "$RANDOM" --rate "$FEED_RATE" --duration "$FEED_MAX_S" \
	    >>"$T/feed-$1.log" 2>&1 &
	echo $! >"$T/feed-$1.pid"
}
feed_stop() { stack_kill_pidfile "$T/feed-$1.pid"; rm -f "$T/feed-$1.pid"; }
top_id() { q "${DB[$1]}" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'"; }
# A bound on a round, so that a feed never outlives the run.
FEED_MAX_S=$(( $(wc -w <<< "$SIZES") * 9 * (SECS + 35) + 300 ))

# The queries, per store: the newest page of AAPL (the API lists ticks by
# id upwards; a client after the latest PAGE asks from the id before
# them), a page from the middle of its ids, a page a month into its time.
for n in $SIZES; do
	AAPL[$n]=$(q "${DB[$n]}" "SELECT id FROM symbols WHERE symbol = 'AAPL'")
	SINCE_NEW[$n]=$(q "${DB[$n]}" "SELECT id FROM ticks WHERE symbol_id = ${AAPL[$n]}
	    ORDER BY id DESC LIMIT 1 OFFSET $PAGE")
	SINCE_MID[$n]=$(q "${DB[$n]}" "SELECT id FROM ticks WHERE symbol_id = ${AAPL[$n]}
	    ORDER BY id LIMIT 1 OFFSET (SELECT tick_count / 2 FROM symbols WHERE id = ${AAPL[$n]})")
	FROM[$n]=$(q "${DB[$n]}" "SELECT min(t) + 30 * 86400000 FROM candles
	    WHERE symbol_id = ${AAPL[$n]} AND iv = 1")
done
EPS="symbols quotes ticks_new ticks_since ticks_from candles_1m candles_1h candles_1d"
path() {	# path N ENDPOINT
	case $2 in
	symbols) echo "/api/v1/symbols" ;;
	quotes) echo "/api/v1/quotes?symbols=$QUOTES" ;;
	ticks_new) echo "/api/v1/ticks?symbol=AAPL&since=${SINCE_NEW[$1]}&limit=$PAGE" ;;
	ticks_since) echo "/api/v1/ticks?symbol=AAPL&since=${SINCE_MID[$1]}&limit=$PAGE" ;;
	ticks_from) echo "/api/v1/ticks?symbol=AAPL&from=${FROM[$1]}&limit=$PAGE" ;;
	candles_*|nofeed_1d) local iv=${2#*_}; echo "/api/v1/candles?symbol=AAPL&interval=$iv&limit=500" ;;
	esac
}
label() {
	case $1 in
	symbols) echo "symbols" ;;
	quotes) echo "quotes?symbols= (5)" ;;
	ticks_new) echo "ticks, newest page" ;;
	ticks_since) echo "ticks, since= mid-history" ;;
	ticks_from) echo "ticks, from= a month in" ;;
	candles_*) echo "candles ${1#candles_} limit=500" ;;
	nofeed_1d) echo "candles 1d, no feed" ;;
	esac
}

# Every answer must be a 200 of the size it should have.
declare -A ROWS
count() { grep -o -- "$1" | wc -l; }
for n in $SIZES; do
	for ep in $EPS; do
		body=$(curl -sf "${URL[$n]}$(path "$n" "$ep")") ||
		    { echo "history: $n: $ep does not answer 200" >&2; exit 1; }
		case $ep in
		symbols) ROWS[$n,$ep]=$(count '"prev_close":' <<< "$body") ;;
		quotes) ROWS[$n,$ep]=$(count '"size":' <<< "$body") ;;
		ticks_*) ROWS[$n,$ep]=$(count '"ts":' <<< "$body") ;;
		candles_*) ROWS[$n,$ep]=$(count '"t":' <<< "$body") ;;
		esac
	done
	ROWS[$n,nofeed_1d]=${ROWS[$n,candles_1d]}
	[ "${ROWS[$n,symbols]}" -eq 50 ] && [ "${ROWS[$n,quotes]}" -eq 5 ] &&
	    [ "${ROWS[$n,ticks_new]}" -eq "$PAGE" ] &&
	    [ "${ROWS[$n,ticks_since]}" -eq "$PAGE" ] &&
	    [ "${ROWS[$n,ticks_from]}" -eq "$PAGE" ] &&
	    [ "${ROWS[$n,candles_1m]}" -eq 500 ] &&
	    [ "${ROWS[$n,candles_1h]}" -eq 500 ] &&
	    [ "${ROWS[$n,candles_1d]}" -eq 500 ] ||
	    { echo "history: $n: an answer is not the size it should be" >&2; exit 1; }
done

# computed N: the answers the app of store N computed since it started.
computed() {
	curl -sf "${URL[$1]}/api/v1/metrics" |
	    awk '/^tickfeed_cache_events_total\{event="computed"\}/ { print $2 }'
}

# run URL: "req/s p99_ms errors" from one bounded wrk run.
run() {
	local out rps p99 err
	out=$(timeout $((SECS + 30)) wrk -t"$WRK_THREADS" -c"$CONNS" \
	    -d"${SECS}s" --latency "$1")
	rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {v=$2;
	    if (v ~ /us$/) {sub(/us$/,"",v); v/=1000}
	    else if (v ~ /ms$/) {sub(/ms$/,"",v)}
	    else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}
	    printf "%.2f", v}')
	err=$(echo "$out" | awk '/Non-2xx/ {e += $NF} /Socket errors/ {
	    gsub(/,/, ""); e += $4 + $6 + $8 + $10} END {print e + 0}')
	[ -n "$rps" ] || err=$((err + 1))	# wrk itself failed
	echo "${rps:-0} ${p99:-0} $err"
}

# Best of ROUNDS per (store, endpoint); errors of every run add up.  The
# feed's own ticks during each run say it kept its pace.
declare -A RPS P99 ERR COMP FEED_TICKS FEED_S
best() {	# best N KEY
	local n=$1 k=$1,$2 rps p99 err c0 c1 id0 id1 s0 s1
	c0=$(computed "$n"); id0=$(top_id "$n"); s0=$(date +%s.%N)
	read -r rps p99 err < <(run "${URL[$n]}$(path "$n" "$2")")
	c1=$(computed "$n"); id1=$(top_id "$n"); s1=$(date +%s.%N)
	ERR[$k]=$(( ${ERR[$k]:-0} + err ))
	if [ "$2" != nofeed_1d ]; then
		FEED_TICKS[$n]=$(( ${FEED_TICKS[$n]:-0} + id1 - id0 ))
		FEED_S[$n]=$(awk -v a="${FEED_S[$n]:-0}" -v b="$s0" -v c="$s1" 'BEGIN { print a + c - b }')
	elif [ "$id1" -ne "$id0" ]; then
		echo "history: $n: ticks came in while the feed was stopped" >&2; exit 1
	fi
	if [ -z "${RPS[$k]:-}" ] || awk -v a="$rps" -v b="${RPS[$k]}" 'BEGIN {exit !(a > b)}'; then
		RPS[$k]=$rps P99[$k]=$p99 COMP[$k]=$((c1 - c0))
	fi
}

# The feed's commits, seen by a stream client for SECS seconds in the
# first round (one event a commit: a lone tick each, when the feed keeps
# its pace); counted at the end.
stream_check() {	# stream_check N
	curl -sN --max-time "$SECS" "${URL[$1]}/api/v1/stream?symbols=$FEED_SYMBOLS" \
	    >"$T/stream-$1.txt" || true
}

for n in $SIZES; do feed_start "$n"; done
sleep 1
for round in $(seq "$ROUNDS"); do
	for n in $SIZES; do
		for ep in $EPS; do
			if [ "$round" -eq 1 ] && [ "$ep" = symbols ]; then
				stream_check "$n" &
				sp=$!
				best "$n" "$ep"
				wait "$sp"
			else
				best "$n" "$ep"
			fi
		done
		feed_stop "$n"
		best "$n" nofeed_1d
		feed_start "$n"
	done
done
for n in $SIZES; do feed_stop "$n"; done

# The table (markdown: it goes into docs/store.md as it is).
set -- $SIZES
BASE=$1
for n in $SIZES; do LARGEST=$n; done
human() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else printf "%gk", n / 1e3 }'; }
echo
echo "wrk -t$WRK_THREADS -c$CONNS -d${SECS}s through nginx on 127.0.0.1, best of $ROUNDS interleaved rounds;" \
    "$(nproc) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
	e=$(count '^event: ticks' <"$T/stream-$n.txt")
	k=$(grep '^data: .*"ticks"' "$T/stream-$n.txt" | count '"symbol":')
	echo "$(human "$n") store: $(stat -c %s "${DB[$n]}") bytes, $(top_id "$n") ticks now" \
	    "($(sed -n 's/^built=//p' "$STORES/history-$n.stamp")$(sed -n \
	    's/^last_chunk=\([0-9]*\) wall_rate=\([0-9]*\) cpu_rate=\([0-9]*\)$/; its last \1 imported at \2 ticks\/s, \3 a CPU second/p' \
	    "$STORES/history-$n.stamp")); feed $(awk -v t="${FEED_TICKS[$n]}" \
	    -v s="${FEED_S[$n]}" 'BEGIN { printf "%.1f", t / s }') ticks/s over" \
	    "the runs, a stream client saw $e commits ($k ticks) in ${SECS} s"
done
echo
echo "| store | endpoint | req/s | p99 ms | vs $(human "$BASE") | computed | rows |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
fails=()
for ep in $EPS nofeed_1d; do
	for n in $SIZES; do
		k=$n,$ep r=$(ratio "${RPS[$n,$ep]}" "${RPS[$BASE,$ep]}")
		printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$(human "$n")" \
		    "$(label "$ep")" "${RPS[$k]}" "${P99[$k]}" "$r" "${COMP[$k]}" "${ROWS[$k]}"
		if awk -v p="${P99[$k]}" 'BEGIN { exit !(p > 50) }'; then
			fails+=("$(human "$n") $(label "$ep"): p99 ${P99[$k]} ms > 50")
		fi
		if [ "${ERR[$k]}" -ne 0 ]; then
			fails+=("$(human "$n") $(label "$ep"): ${ERR[$k]} errors (non-2xx or socket)")
		fi
		if [ "$n" = "$LARGEST" ] && awk -v r="$r" 'BEGIN { exit !(r < 0.8) }'; then
			fails+=("$(human "$n") $(label "$ep"): $r of its rate at $(human "$BASE") < 0.8")
		fi
	done
done
echo
echo "computed: answers the app computed from the store during the best run (the rest came from its shared memory)"
for n in $SIZES; do
	r=$(ratio "${RPS[$n,candles_1d]}" "${RPS[$n,nofeed_1d]}")
	echo "candles 1d with / without the feed at $(human "$n"): $r (target >= 0.5)"
	if awk -v r="$r" 'BEGIN { exit !(r < 0.5) }'; then
		fails+=("$(human "$n") candles 1d: $r of its rate without the feed < 0.5")
	fi
	if awk -v t="${FEED_TICKS[$n]}" -v s="${FEED_S[$n]}" -v r="$FEED_RATE" \
	    'BEGIN { exit !(t / s < 0.9 * r) }'; then
		fails+=("$(human "$n"): the feed fell behind ($(rate "${FEED_TICKS[$n]}" "${FEED_S[$n]}") ticks/s)")
	fi
done
[ "$LARGEST" -eq 50000000 ] || echo "(the 0.8 target is for 50M: here checked at $(human "$LARGEST"))"
if [ ${#fails[@]} -eq 0 ]; then
	echo "targets: all met (>= 0.8 of $(human "$BASE") at $(human "$LARGEST"), candles 1d >= 0.5 with the feed, p99 <= 50 ms, no errors)"
else
	echo "targets missed:"
	printf '  %s\n' "${fails[@]}"
	exit 1
fi
