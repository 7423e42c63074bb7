#!/bin/bash
# bench/ingest.sh: tickfeed-ingest importing 1,000,000 CSV ticks (50
# symbols, no seq, so duplicates are checked by the price/size hash and
# candles and symbols are maintained), beside a bare prepared-statement
# insert loop (bench/ingest_bare.c) into the same schema, same machine,
# same run.  Prints both rates and their ratio (target >= 0.70).
#   N=200000 bench/ingest.sh   a smaller run
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${N:-1000000}
BIN=$BUILD/bin/tickfeed-ingest
BARE=$BUILD/bench/ingest_bare
[ -x "$BIN" ] && [ -x "$BARE" ] || make -s "$BIN" "$BARE"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The same shape of rows as ingest_bare: 50 symbols in turn, ts + 3 ms a
# tick, a random walk in cents, sizes of 100..1000.
awk -v n="$N" 'BEGIN {
	print "symbol,ts,price,size"; srand(7)
	for (s = 1; s <= 50; s++) p[s] = 10000
	for (i = 0; i < n; i++) {
		s = i % 50 + 1; p[s] += int(rand() * 21) - 10
		if (p[s] < 100) p[s] = 100
		printf "S%02d,%.0f,%d.%02d,%d\n", s, 1764322200000 + i * 3,
		    p[s] / 100, p[s] % 100, 100 * (1 + int(rand() * 10))
	}
}' > "$TMP/ticks.csv"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# Each side three times, interleaved, fresh databases; the best run counts
# (the machine is shared: this evens out a neighbour's burst).
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
bare=0 ingest=0
for run in 1 2 3; do
	rm -f "$TMP"/*.db*
	t0=$(now); "$BARE" "$TMP/bare.db" "$N"; t1=$(now)
	bare=$(best "$bare" "$(rate "$N" "$t0" "$t1")")
	t0=$(now); "$BIN" -q --db "$TMP/ingest.db" "$TMP/ticks.csv"; t1=$(now)
	ingest=$(best "$ingest" "$(rate "$N" "$t0" "$t1")")
done
stored=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM ticks')
candles=$(sqlite3 "$TMP/ingest.db" 'SELECT count(*) FROM candles_1m')
t0=$(now); "$BIN" -q --db "$TMP/ingest.db" "$TMP/ticks.csv"; t1=$(now)
again=$(rate "$N" "$t0" "$t1")

printf '%-44s %12s %8s\n' "ingest: $N CSV ticks, 50 symbols" "rows/s" "ratio"
printf '%-44s %12s %8s\n' "bare prepared INSERT loop (peer)" "$bare" "1.00"
printf '%-44s %12s %8s\n' "tickfeed-ingest (candles, dedup; $candles candles)" \
    "$ingest" "$(awk -v a="$ingest" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %12s %8s\n' "tickfeed-ingest re-import (all duplicates)" \
    "$again" "$(awk -v a="$again" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
echo "(best of 3 each; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$stored" -eq "$N" ] || { echo "ingest.sh: stored $stored of $N" >&2; exit 1; }
