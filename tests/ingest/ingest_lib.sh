# Shared by tests/ingest/ingest_*.t (sourced after tests/lib.sh).
ING=${ING:-$BIN/tickfeed-ingest}
[ -x "$ING" ] || skip_all "no $ING (run make)"
command -v sqlite3 >/dev/null || skip_all "no sqlite3"

q() { sqlite3 -batch "$1" "$2"; }

# gen_csv N SEED [STEP]: N ticks over 7 symbols, cents, no seq, distinct
# keys, about STEP ms apart (default 7).  A step of seconds or more spans
# hours, days and weeks (the run starts on a Friday), for the rollups.
gen_csv() {
	awk -v n="$1" -v seed="$2" -v step="${3:-7}" 'BEGIN {
		srand(seed); print "symbol,ts,price,size"
		for (i = 0; i < n; i++) {
			s = "S" (i % 7); p = 1000 + int(rand() * 90000)
			printf "%s,%.0f,%d.%02d,%d\n", s, 1764322200000 + i * step + int(rand() * 5),
			    p / 100, p % 100, 1 + int(rand() * 500)
		}
	}'
}

# The distinct ticks of CSV files (symbol,ts,cents,size), sorted.
csv_set() { cat "$@" | awk -F, '$1 != "symbol" { sub(/\./, "", $3); print $1 "," $2 "," $3+0 "," $4 }' | sort -u; }

# The stored ticks in the same form.
db_set() {
	q "$1" "SELECT s.symbol || ',' || t.ts || ',' || (t.price / 1000000) || ',' || t.size
	    FROM ticks t JOIN symbols s ON s.id = t.symbol_id" | sort
}

# The maintained candles at every level, and the same recomputed from the
# ticks: each level's buckets (floor mod; 1w from Monday 1970-01-05: a
# UTC store), open/close the first/last price by (ts, id), first/last id
# min/max, the notional (hi * 10^18 + lo: one INTEGER holds the test
# feeds' sums) the sum of price * size.
CANDLE_COLS="symbol_id, iv, t, open, high, low, close, volume, trades, open_ts, close_ts, first_id, last_id"
NOTIONAL="notional_hi * 1000000000000000000 + notional_lo"
CANDLE_LEVELS="(1, 60000, 0), (5, 300000, 0), (15, 900000, 0), (30, 1800000, 0),
    (60, 3600000, 0), (240, 14400000, 0), (1440, 86400000, 0), (10080, 604800000, 345600000)"
candles_kept() {
	q "$1" "SELECT $CANDLE_COLS, $NOTIONAL FROM candles ORDER BY symbol_id, iv, t"
}
candles_from_ticks() {
	q "$1" "WITH lv (iv, len, off) AS (VALUES $CANDLE_LEVELS),
	    b AS (SELECT symbol_id, lv.iv AS iv, ts - ((ts - off) % len + len) % len AS t,
	      ts, id, price, size FROM ticks, lv)
	    SELECT symbol_id, iv, t, max(o), max(price), min(price), max(c), sum(size), count(*),
	    min(ts), max(ts), min(id), max(id), sum(price * size) FROM (
	      SELECT *, first_value(price) OVER w AS o,
	        last_value(price) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS c
	      FROM b WINDOW w AS (PARTITION BY symbol_id, iv, t ORDER BY ts, id))
	    GROUP BY symbol_id, iv, t ORDER BY symbol_id, iv, t"
}

# symbols rows against the ticks: count, newest by (ts, id), largest id.
symbols_kept() { q "$1" "SELECT id, tick_count, last_id, last_ts, last_price, last_size, seq_id FROM symbols ORDER BY id"; }
symbols_from_ticks() {
	q "$1" "SELECT s.id, (SELECT count(*) FROM ticks WHERE symbol_id = s.id), t.id, t.ts, t.price, t.size,
	    (SELECT max(id) FROM ticks WHERE symbol_id = s.id)
	    FROM symbols s JOIN ticks t ON t.id = (SELECT id FROM ticks WHERE symbol_id = s.id
	    ORDER BY ts DESC, id DESC LIMIT 1) ORDER BY s.id"
}

# check_store DB DESCRIPTION CSV...: exact set, candles, symbols.
check_store() {
	local db=$1 what=$2; shift 2
	is "$(db_set "$db" | md5sum)" "$(csv_set "$@" | md5sum)" "$what: exactly the source's ticks"
	is "$(q "$db" 'SELECT count(*) FROM ticks')" "$(csv_set "$@" | wc -l)" "$what: count"
	is "$(candles_kept "$db" | md5sum)" "$(candles_from_ticks "$db" | md5sum)" "$what: candles at every level = recomputed from ticks"
	is "$(symbols_kept "$db" | md5sum)" "$(symbols_from_ticks "$db" | md5sum)" "$what: symbols rows = from ticks"
}

# wait_for CMD...: retries CMD for up to 20 s (a bound, not an assertion).
wait_for() {
	local i
	for i in $(seq 200); do "$@" && return 0; sleep 0.1; done
	return 1
}
