#!/bin/bash
# bench/ingest.sh: tickfeed-ingest importing 1,000,000 CSV ticks (50
# symbols, no seq, so duplicates are checked by the price/size hash and
# candles at every level and symbols are maintained), beside a bare
# prepared-statement insert loop (bench/ingest_bare.c) into the same
# schema, same machine, same run.  Prints both rates (wall clock and CPU
# time) and the ratios (target >= 0.70).
#   N=200000 bench/ingest.sh        a smaller run
#   FILL=50000000 bench/ingest.sh   then also fill a store of each kind to
#       50M rows, CHUNK (1,000,000) at a time, and compare the rates of
#       the last chunk: speed as the store grows.  Long (an hour or more
#       on a small machine) and about 10 GB of disk in TMPDIR.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${N:-1000000}
FILL=${FILL:-0}
CHUNK=${CHUNK:-1000000}
BIN=$BUILD/bin/tickfeed-ingest
BARE=$BUILD/bench/ingest_bare
[ -x "$BIN" ] && [ -x "$BARE" ] || make -s "$BIN" "$BARE"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# gen_csv START COUNT: rows START.. of the same shape as ingest_bare's: 50
# symbols in turn, ts + 3 ms a tick, a random walk in cents, sizes of
# 100..1000.
gen_csv() {
	awk -v start="$1" -v n="$2" 'BEGIN {
		print "symbol,ts,price,size"; srand(7 + start)
		for (s = 1; s <= 50; s++) p[s] = 10000
		for (i = start; i < start + n; i++) {
			s = i % 50 + 1; p[s] += int(rand() * 21) - 10
			if (p[s] < 100) p[s] = 100
			printf "S%02d,%.0f,%d.%02d,%d\n", s, 1764322200000 + i * 3,
			    p[s] / 100, p[s] % 100, 100 * (1 + int(rand() * 10))
		}
	}'
}
gen_csv 0 "$N" > "$TMP/ticks.csv"

# run_timed CMD...: runs CMD, prints "wall_s cpu_s" (cpu = user + sys).
run_timed() {
	local TIMEFORMAT='%R %U %S' t
	t=$( { time "$@" > /dev/null 2>&1; } 2>&1 ) || { echo "ingest.sh: $* failed" >&2; exit 1; }
	awk '{ printf "%s %s", $1, $2 + $3 }' <<< "$t"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
rate() { awk -v n="${2:-$N}" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-50s %10s %6s %10s %6s\n' "$@"; }

# Each side three times, interleaved, on fresh databases; the best run
# counts.  Wall-clock rates are what a user sees; CPU-time rates (user +
# sys) are far less moved by neighbours on a shared machine.
bare_w=0 bare_c=0 ing_w=0 ing_c=0
for run in 1 2 3; do
	rm -f "$TMP"/*.db*
	read -r w c <<< "$(run_timed "$BARE" "$TMP/bare.db" "$N")"
	bare_w=$(best "$bare_w" "$(rate "$w")"); bare_c=$(best "$bare_c" "$(rate "$c")")
	read -r w c <<< "$(run_timed "$BIN" -q --db "$TMP/ingest.db" "$TMP/ticks.csv")"
	ing_w=$(best "$ing_w" "$(rate "$w")"); ing_c=$(best "$ing_c" "$(rate "$c")")
done
stored=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM ticks')
candles=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM candles')
m1=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM candles WHERE iv = 1')
bytes=$(sqlite3 "$TMP/ingest.db" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null &&
    stat -c %s "$TMP/ingest.db")
read -r w c <<< "$(run_timed "$BIN" -q --db "$TMP/ingest.db" "$TMP/ticks.csv")"
dup_w=$(rate "$w") dup_c=$(rate "$c")

row "ingest: $N CSV ticks, 50 symbols" "rows/s" "ratio" "rows/cpu-s" "ratio"
row "bare prepared INSERT loop (peer)" "$bare_w" "1.00" "$bare_c" "1.00"
row "tickfeed-ingest ($candles candles, $m1 of 1m)" "$ing_w" \
    "$(ratio "$ing_w" "$bare_w")" "$ing_c" "$(ratio "$ing_c" "$bare_c")"
row "tickfeed-ingest re-import (all duplicates)" "$dup_w" \
    "$(ratio "$dup_w" "$bare_w")" "$dup_c" "$(ratio "$dup_c" "$bare_c")"
echo "(best of 3 each; store $bytes bytes, $(awk -v b="$bytes" -v n="$stored" \
    'BEGIN { printf "%.1f", b / n }') bytes a tick; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$stored" -eq "$N" ] || { echo "ingest.sh: stored $stored of $N" >&2; exit 1; }

[ "$FILL" -gt 0 ] || exit 0
# The fill: both stores grow chunk by chunk, alternately; the last chunk's
# rates say what ingest costs in a big store.
rm -f "$TMP"/*.db*
for ((at = 0; at < FILL; at += CHUNK)); do
	n=$((FILL - at < CHUNK ? FILL - at : CHUNK))
	gen_csv "$at" "$n" > "$TMP/ticks.csv"
	read -r bw bc <<< "$(run_timed "$BARE" "$TMP/bare.db" "$n" "$at")"
	read -r iw ic <<< "$(run_timed "$BIN" -q --db "$TMP/ingest.db" "$TMP/ticks.csv")"
done
stored=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM ticks')
row "fill to $FILL: the last $n rows" "rows/s" "ratio" "rows/cpu-s" "ratio"
row "bare prepared INSERT loop (peer)" "$(rate "$bw" "$n")" "1.00" "$(rate "$bc" "$n")" "1.00"
row "tickfeed-ingest" "$(rate "$iw" "$n")" "$(ratio "$(rate "$iw" "$n")" "$(rate "$bw" "$n")")" \
    "$(rate "$ic" "$n")" "$(ratio "$(rate "$ic" "$n")" "$(rate "$bc" "$n")")"
echo "(one run; stores $(stat -c %s "$TMP/bare.db") and $(stat -c %s "$TMP/ingest.db") bytes;" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$stored" -eq "$FILL" ] || { echo "ingest.sh: stored $stored of $FILL" >&2; exit 1; }
