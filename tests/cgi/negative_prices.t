#!/bin/bash
# Negative prices (issue 12) are taken on purpose: oil futures went to
# -37.63 in April 2020, spreads are negative all the time.  A store fed by
# tickfeed-ingest with a symbol falling from 2.50 to -37.63 across a UTC
# day boundary, one whose previous close is negative, and two changes of
# exactly -0.125 %, queried through the app run once per request as plain
# CGI with a fixed clock: the exact JSON of symbols (price, prev_close,
# change, change_pct, day), quotes, ticks and candles (vwap too).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"
ING=$BIN/tickfeed-ingest
[ -x "$BIN/tickfeed.fcgi" ] && [ -x "$ING" ] || { echo "not ok 1 - build first (make)"; exit 1; }
DB=$TEST_TMP/neg.db
GOLDEN_NOW=1704240330000	# 2024-01-03T00:05:30Z: OIL's 00:05 candle is live

# 2024-01-02 (D-1) until 23:59:59.999Z = 1704239999999, then 2024-01-03.
cat > "$TEST_TMP/neg.csv" <<'EOF'
symbol,ts,price,size
OIL,1704239880000,2.50,10
OIL,1704239940000,2.75,5
OIL,1704239970000,2.50,5
OIL,1704240000000,-10.01,20
OIL,1704240010000,-40.32,7
OIL,1704240050000,-37.63,3
OIL,1704240300000,-37.63,1
SPRD,1704239990000,-1.25,100
SPRD,1704240060000,-0.05,50
SPRD,1704240070000,0.75,10
DN,1704239990000,8.00,1
DN,1704240060000,7.99,1
NEGDN,1704239990000,-8.00,1
NEGDN,1704240060000,-7.99,1
EOF
out=$("$ING" --db "$DB" "$TEST_TMP/neg.csv" 2>&1); rc=$?
is "$rc:$out" "0:$TEST_TMP/neg.csv: read 14, stored 14, duplicate 0, rejected 0" \
    "tickfeed-ingest takes negative prices"
is "$(sqlite3 "$DB" "SELECT group_concat(price) FROM (SELECT price FROM ticks WHERE symbol_id = 1 ORDER BY id)")" \
    "250000000,275000000,250000000,-1001000000,-4032000000,-3763000000,-3763000000" \
    "stored exactly, scaled by 10^8"

# get TARGET: "STATUS BODY" of one CGI request.
get() {
	local r
	r=$(golden_cgi "$DB" GET "$1")
	printf '%s %s' "$(sed -n '1s/^status: //p' <<< "$r")" "$(sed '1,/^$/d' <<< "$r")"
}

# prev_close: the close of the last 1m candle before today 00:00 UTC.
# OIL: 2.50 -> -37.63: change -40.13, 100 * -40.13 / 2.50 = -1605.20.
# SPRD: -1.25 -> 0.75: change +2.00; change_pct is 100 * change /
# |prev_close| as API.md defines it, so a rise from a negative close is a
# positive change_pct (+160.00): the sign is always the change's.
# DN: 8.00 -> 7.99: exactly -0.125 %, rounded half away from zero to
# -0.13; NEGDN: -8.00 -> -7.99, a rise: 100 * 0.01 / 8.00 = +0.125 -> 0.13.
is "$(get /api/v1/symbols)" '200 {"cursor":14,"tz":"UTC","symbols":[{"symbol":"DN","price":7.99,"prev_close":8.00,"change":-0.01,"change_pct":-0.13,"day":{"t":1704240000000,"open":7.99,"high":7.99,"low":7.99,"close":7.99,"volume":1,"trades":1,"vwap":7.99},"ticks":2,"last_ts":1704240060000,"last_id":12},{"symbol":"NEGDN","price":-7.99,"prev_close":-8.00,"change":0.01,"change_pct":0.13,"day":{"t":1704240000000,"open":-7.99,"high":-7.99,"low":-7.99,"close":-7.99,"volume":1,"trades":1,"vwap":-7.99},"ticks":2,"last_ts":1704240060000,"last_id":14},{"symbol":"OIL","price":-37.63,"prev_close":2.50,"change":-40.13,"change_pct":-1605.20,"day":{"t":1704240000000,"open":-10.01,"high":-10.01,"low":-40.32,"close":-37.63,"volume":31,"trades":4,"vwap":-20.42},"ticks":7,"last_ts":1704240300000,"last_id":7},{"symbol":"SPRD","price":0.75,"prev_close":-1.25,"change":2.00,"change_pct":160.00,"day":{"t":1704240000000,"open":-0.05,"high":0.75,"low":-0.05,"close":0.75,"volume":60,"trades":2,"vwap":0.08},"ticks":3,"last_ts":1704240070000,"last_id":10}]}' \
    "symbols: price, prev_close, change, change_pct across zero"

is "$(get '/api/v1/quotes?symbols=OIL,SPRD')" '200 {"cursor":14,"quotes":[{"symbol":"OIL","id":7,"ts":1704240300000,"price":-37.63,"size":1},{"symbol":"SPRD","id":10,"ts":1704240070000,"price":0.75,"size":10}]}' \
    "quotes"

is "$(get '/api/v1/ticks?symbol=OIL')" '200 {"cursor":14,"symbol":"OIL","ticks":[{"id":1,"ts":1704239880000,"price":2.50,"size":10},{"id":2,"ts":1704239940000,"price":2.75,"size":5},{"id":3,"ts":1704239970000,"price":2.50,"size":5},{"id":4,"ts":1704240000000,"price":-10.01,"size":20},{"id":5,"ts":1704240010000,"price":-40.32,"size":7},{"id":6,"ts":1704240050000,"price":-37.63,"size":3},{"id":7,"ts":1704240300000,"price":-37.63,"size":1}],"next":7,"more":false}' \
    "ticks: every sign kept"
is "$(get '/api/v1/ticks?symbol=SPRD&from=1704240000000')" '200 {"cursor":14,"symbol":"SPRD","ticks":[{"id":9,"ts":1704240060000,"price":-0.05,"size":50},{"id":10,"ts":1704240070000,"price":0.75,"size":10}],"next":10,"more":false}' \
    "ticks: -0.05 keeps its sign below one"

# Candles: high is the largest (least negative), low the smallest.  vwap
# keeps its sign and rounds half away from zero: OIL's 00:01 minute
# (2.75 x 5 + 2.50 x 5) / 10 = 2.625 -> 2.63; 2024-01-03 00:00
# (-10.01 x 20 - 40.32 x 7 - 37.63 x 3) / 30 = -19.844.. -> -19.84; its
# day with the 00:05 tick -632.96 / 31 = -20.418.. -> -20.42; SPRD across
# zero (-0.05 x 50 + 0.75 x 10) / 60 = 0.0833.. -> 0.08.
is "$(get '/api/v1/candles?symbol=OIL&interval=1m')" '200 {"cursor":14,"symbol":"OIL","interval":"1m","tz":"UTC","candles":[{"t":1704239880000,"open":2.50,"high":2.50,"low":2.50,"close":2.50,"volume":10,"trades":1,"vwap":2.50,"live":false},{"t":1704239940000,"open":2.75,"high":2.75,"low":2.50,"close":2.50,"volume":10,"trades":2,"vwap":2.63,"live":false},{"t":1704240000000,"open":-10.01,"high":-10.01,"low":-40.32,"close":-37.63,"volume":30,"trades":3,"vwap":-19.84,"live":false},{"t":1704240300000,"open":-37.63,"high":-37.63,"low":-37.63,"close":-37.63,"volume":1,"trades":1,"vwap":-37.63,"live":true}],"next":1704239880000,"more":false}' \
    "candles 1m: high and low of negative prices"
is "$(get '/api/v1/candles?symbol=OIL&interval=1d')" '200 {"cursor":14,"symbol":"OIL","interval":"1d","tz":"UTC","candles":[{"t":1704153600000,"open":2.50,"high":2.75,"low":2.50,"close":2.50,"volume":20,"trades":3,"vwap":2.56,"live":false},{"t":1704240000000,"open":-10.01,"high":-10.01,"low":-40.32,"close":-37.63,"volume":31,"trades":4,"vwap":-20.42,"live":true}],"next":1704153600000,"more":false}' \
    "candles 1d: the day boundary"
is "$(get '/api/v1/candles?symbol=SPRD&interval=5m')" '200 {"cursor":14,"symbol":"SPRD","interval":"5m","tz":"UTC","candles":[{"t":1704239700000,"open":-1.25,"high":-1.25,"low":-1.25,"close":-1.25,"volume":100,"trades":1,"vwap":-1.25,"live":false},{"t":1704240000000,"open":-0.05,"high":0.75,"low":-0.05,"close":0.75,"volume":60,"trades":2,"vwap":0.08,"live":false}],"next":1704239700000,"more":false}' \
    "candles 5m: across zero"

# The candles the tool keeps, at every level, are those recomputed from
# the ticks (negative prices ordered as numbers).
. "$ROOT/tests/ingest/ingest_lib.sh"
is "$(candles_kept "$DB" | md5sum)" "$(candles_from_ticks "$DB" | md5sum)" \
    "stored candles at every level = recomputed from the ticks"
done_testing
