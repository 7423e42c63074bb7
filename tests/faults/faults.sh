# tests/faults/faults.sh: what the fault and security tests share.
# Source it after tests/lib.sh.
#
#   faults_feed FILE N [SEED]   a CSV of N simulated ticks (3 symbols, 1 ms
#                               apart, with seq) written to FILE
#   faults_ticks DB             the stored source set, one line a tick
#                               (symbol, ts, price, size, nkey), ordered;
#                               no ids, which depend on commit order
#   faults_candles DB           the candles of every level the same way
#   faults_consistent DB        "ok" when the batch bookkeeping agrees:
#                               ticks = sum(symbols.tick_count) = the
#                               sum of candles.trades at each level (a
#                               partial batch would break one of them),
#                               else the numbers
#   faults_integrity DB         PRAGMA integrity_check's answer
#   faults_get URL              "STATUS BODY" of a GET, on one line
#   faults_checksum DB          sha256 of the database's logical content
#   faults_exact DB REF N       three checks: DB holds N ticks, and exactly
#                               the ticks and the candles of REF

INGEST=${INGEST:-$BIN/tickfeed-ingest}
APP=${APP:-$BIN/tickfeed.fcgi}
FAULTS_T0=1704240000000		# 2024-01-03T00:00:00Z

faults_feed() {
	"$INGEST" simulate --print csv --count "$2" --rate 0 \
	    --seed "${3:-7}" --start-ts "$FAULTS_T0" --step-ms 1 \
	    --symbols AAPL,MSFT,EURUSD >"$1"
}

faults_ticks() {
	sqlite3 -readonly "$1" "SELECT s.symbol, t.ts, t.price, t.size, t.nkey
	    FROM ticks t JOIN symbols s ON s.id = t.symbol_id
	    ORDER BY s.symbol, t.ts, t.nkey"
}

faults_candles() {
	sqlite3 -readonly "$1" "SELECT s.symbol, c.iv, c.t, c.open, c.high,
	    c.low, c.close, c.volume, c.trades, c.open_ts, c.close_ts
	    FROM candles c JOIN symbols s ON s.id = c.symbol_id
	    ORDER BY s.symbol, c.iv, c.t"
}

faults_consistent() {
	sqlite3 -readonly "$1" "SELECT CASE WHEN a = b AND b = c AND d = 0
	    THEN 'ok' ELSE a || ' ticks, ' || b || ' counted, ' || c ||
	    ' traded, ' || d || ' levels differ' END
	    FROM (SELECT (SELECT count(*) FROM ticks) a,
	    (SELECT coalesce(sum(tick_count), 0) FROM symbols) b,
	    (SELECT coalesce(sum(trades), 0) FROM candles WHERE iv = 1) c,
	    (SELECT count(*) FROM (SELECT sum(trades) AS n FROM candles
	      GROUP BY iv) WHERE n != (SELECT sum(trades) FROM candles
	      WHERE iv = 1)) d)"
}

faults_integrity() {
	sqlite3 -readonly "$1" 'PRAGMA integrity_check' 2>&1 | tr '\n' ' ' |
	    sed 's/ $//'
}

faults_count() {
	sqlite3 -readonly "$1" 'SELECT count(*) FROM ticks' 2>/dev/null
}

faults_get() {	# a body file of its own: callers run it concurrently
	local f
	f=$(mktemp "$TEST_TMP/get.XXXXXX")
	curl -s --max-time "${FAULTS_MAX_TIME:-20}" -o "$f" \
	    -w '%{http_code}' "$1" 2>/dev/null
	printf ' %s' "$(cat "$f")"
	rm -f "$f"
}

faults_checksum() {
	sqlite3 -readonly "$1" .dump | sha256sum | cut -d' ' -f1
}

faults_exact() {
	is "$(faults_count "$1")" "$3" "exactly $3 ticks"
	is "$(faults_ticks "$1" | sha256sum)" "$(faults_ticks "$2" | sha256sum)" \
	    "exactly the source set of a clean import"
	is "$(faults_candles "$1" | sha256sum)" "$(faults_candles "$2" | sha256sum)" \
	    "exactly the candles of a clean import"
}
