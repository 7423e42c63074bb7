#!/bin/bash
# A store in America/New_York (issue #18): its 1d and 1w candles start at
# New York's midnight (Monday's for 1w), 23 hours long on 2024-03-10 and
# 25 on 2024-11-03; the intraday levels stay UTC.  Checked against an
# independent computation (Python's zoneinfo over the stored ticks, open
# and close by (ts, id), notional as the exact sum), on a shuffled feed
# around both changes.  set-tz on a UTC store gives the New York store row
# for row, and back; a running --follow import goes on in the new zone.
# TICKFEED_TZ: a new store takes it, an existing one must have it (ingest
# exit 4, the app 503 db_zone).  The app: symbols' today, prev_close and
# day, candles' live and next at New York's day boundaries, ticks from/to
# across them equal to a full scan.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
. "$ROOT/tests/golden/golden.sh"
[ -x "$BIN/tickfeed.fcgi" ] || skip_all "no $BIN/tickfeed.fcgi (run make)"
python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("America/New_York")' 2>/dev/null ||
    skip_all "no python3 zoneinfo with America/New_York"
cd "$TEST_TMP"
NY=America/New_York

# Two weeks around each change, 3 symbols, a tick every ~5 min each,
# shuffled (late ticks for days and weeks already stored).
awk 'BEGIN {
	srand(18); print "symbol,ts,price,size"
	split("1709596800000 1730246400000", starts, " ")
	for (k = 1; k <= 2; k++)
		for (ts = starts[k]; ts < starts[k] + 14 * 86400000; ts += 97003 + int(rand() * 40)) {
			p = 1000 + int(rand() * 90000)
			printf "S%d,%.0f,%d.%02d,%d\n", int(rand() * 3), ts, p / 100, p % 100, 1 + int(rand() * 500)
		}
}' | { read -r h; echo "$h"; shuf --random-source=<(yes); } > feed.csv
diag "$(($(wc -l < feed.csv) - 1)) ticks"

TICKFEED_TZ=$NY "$ING" -q --batch 400 --db ny.db feed.csv
ok $? "a new store takes TICKFEED_TZ"
is "$(q ny.db "SELECT value FROM settings WHERE key = 'tz'")" $NY "its zone"

# expect DB: the 1d and 1w rows recomputed from DB's ticks in Python.
expect() {
	python3 - "$1" <<'PY'
import sqlite3, sys, zoneinfo, datetime as dt
z = zoneinfo.ZoneInfo("America/New_York")
db = sqlite3.connect(sys.argv[1])
def start(d):	# the first instant (ms) whose New York date is d
	t = int(dt.datetime(d.year, d.month, d.day, tzinfo=z).timestamp()) * 1000
	return t
rows = {}
for sid, tid, ts, price, size in db.execute(
        "SELECT symbol_id, id, ts, price, size FROM ticks ORDER BY ts, id"):
	d = dt.datetime.fromtimestamp(ts // 1000, z).date()
	for iv, b in ((1440, start(d)), (10080, start(d - dt.timedelta(days=d.weekday())))):
		r = rows.get((sid, iv, b))
		if r is None:
			rows[(sid, iv, b)] = r = [price, price, price, price, 0, 0, ts, ts, tid, tid, 0]
		r[1] = max(r[1], price); r[2] = min(r[2], price); r[3] = price
		r[4] += size; r[5] += 1; r[7] = ts
		r[8] = min(r[8], tid); r[9] = max(r[9], tid); r[10] += price * size
for k in sorted(rows):
	r = rows[k]
	print("|".join(str(v) for v in list(k) + r[:10] + [r[10] // 10**18, r[10] % 10**18]))
PY
}
kept() {
	q "$1" "SELECT $CANDLE_COLS, notional_hi, notional_lo FROM candles
	    WHERE iv IN (1440, 10080) ORDER BY symbol_id, iv, t"
}
is "$(kept ny.db | md5sum)" "$(expect ny.db | md5sum)" \
    "1d and 1w = New York's days and weeks recomputed from the ticks ($(kept ny.db | wc -l) rows)"
is "$(q ny.db "SELECT group_concat(t) FROM (SELECT DISTINCT t FROM candles WHERE iv = 1440
    AND t BETWEEN 1709960400000 AND 1710216000000 ORDER BY t)")" \
    "1709960400000,1710046800000,1710129600000,1710216000000" \
    "03-09 05:00Z, 03-10 05:00Z (23 h), 03-11 04:00Z, 03-12 04:00Z"
is "$(q ny.db "SELECT group_concat(t) FROM (SELECT DISTINCT t FROM candles WHERE iv = 1440
    AND t BETWEEN 1730520000000 AND 1730782800000 ORDER BY t)")" \
    "1730520000000,1730606400000,1730696400000,1730782800000" \
    "11-02 04:00Z, 11-03 04:00Z (25 h), 11-04 05:00Z, 11-05 05:00Z"
is "$(q ny.db "SELECT group_concat(t) FROM (SELECT DISTINCT t FROM candles WHERE iv = 10080 ORDER BY t)")" \
    "1709528400000,1710129600000,1710734400000,1730088000000,1730696400000,1731301200000" \
    "weeks from Monday's New York midnight, across both changes"

# The intraday levels are the UTC store's; a UTC store set to New York is
# the New York store, and back.
"$ING" -q --batch 400 --db utc.db feed.csv && cp utc.db utc2.db
ok $? "the same feed into a UTC store"
intraday() { q "$1" "SELECT * FROM candles WHERE iv < 1440 ORDER BY symbol_id, iv, t" | md5sum; }
allrows() { q "$1" "SELECT * FROM candles ORDER BY symbol_id, iv, t" | md5sum; }
is "$(intraday ny.db)" "$(intraday utc.db)" "1m .. 4h: the same rows in both zones"
is "$(candles_kept utc.db | md5sum)" "$(candles_from_ticks utc.db | md5sum)" "the UTC store = recomputed in UTC"
out=$("$ING" --db utc2.db set-tz $NY); is "$?" 0 "set-tz $NY"
like "$out" "utc2.db: trading zone $NY \\(was UTC\\): [0-9]+ daily and [0-9]+ weekly candles rebuilt" "says what it did"
is "$(allrows utc2.db)" "$(allrows ny.db)" "then every candle = the New York store's"
"$ING" -q --db utc2.db set-tz UTC; is "$?" 0 "set-tz UTC"
is "$(allrows utc2.db)" "$(allrows utc.db)" "then every candle = the UTC store's again"
is "$(q utc2.db 'PRAGMA integrity_check')" ok "integrity_check"

# Refusals.
before=$(md5sum < ny.db)
TICKFEED_TZ=Europe/London "$ING" -q --db ny.db feed.csv 2> err.txt
is "$?" 4 "TICKFEED_TZ other than the store's: exit 4"
like "$(cat err.txt)" "trading zone $NY, but TICKFEED_TZ says Europe/London: run tickfeed-ingest --db PATH set-tz Europe/London, or unset TICKFEED_TZ" \
    "saying what to run"
TICKFEED_TZ=$NY "$ING" -q --db ny.db feed.csv; is "$?" 0 "TICKFEED_TZ the same: taken (all duplicates)"
is "$(md5sum < ny.db)" "$before" "nothing written by either"
"$ING" -q --db ny.db set-tz Mars/Olympus 2> err.txt; is "$?" 2 "set-tz to an unknown zone: exit 2"
like "$(cat err.txt)" "'Mars/Olympus' is not a zone of this system's tz database" "says so"
"$ING" -q --db ny.db set-tz 2> err.txt; is "$?" 2 "set-tz without a zone: exit 2"
"$ING" -q --db ny.db set-tz UTC Europe/London 2> err.txt; is "$?" 2 "set-tz with two: exit 2"
is "$(q ny.db "SELECT value FROM settings WHERE key = 'tz'")" $NY "the zone unchanged"

# A --follow import goes on in the zone set-tz gives while it runs.
head -1 feed.csv > follow.csv
"$ING" -q --db f.db --follow --flush-ms 50 follow.csv 2> follow.err &
fpid=$!
on_exit "kill $fpid 2>/dev/null"
count_is() { [ "$(q "$1" 'SELECT count(*) FROM ticks' 2>/dev/null)" = "$2" ]; }
sed -n '2,2001p' feed.csv >> follow.csv
wait_for count_is f.db 2000
ok $? "follow: the first 2000 ticks stored in UTC"
"$ING" -q --db f.db set-tz $NY; is "$?" 0 "set-tz $NY while it follows"
tail -n +2002 feed.csv >> follow.csv
n=$(($(wc -l < feed.csv) - 1))
wait_for count_is f.db "$n"
ok $? "follow: the rest stored"
kill $fpid; wait $fpid 2>/dev/null
is "$(kept f.db | md5sum)" "$(expect f.db | md5sum)" "its days and weeks: New York's, every tick"

# The app.  2024-03-10T16:00Z is noon in New York, on its 23-hour day.
now=1710086400000
cgi() { GOLDEN_NOW=$now golden_cgi "$1" GET "$2" | tail -1; }
sym() { cgi ny.db /api/v1/symbols | python3 -c "
import json, sys; a = json.load(sys.stdin, parse_float=str); s = [x for x in a['symbols'] if x['symbol'] == 'S1'][0]
print(a['tz'], s['prev_close'], s['day'] and s['day']['t'], s['day'] and s['day']['volume'])"; }
want=$(q ny.db "SELECT (SELECT close FROM candles WHERE symbol_id = s.id AND iv = 1440 AND t < 1710046800000
    ORDER BY t DESC LIMIT 1), 1710046800000, (SELECT volume FROM candles WHERE symbol_id = s.id AND iv = 1440
    AND t = 1710046800000) FROM symbols s WHERE symbol = 'S1'" |
    awk -F'|' '{ printf "America/New_York %.2f %s %s\n", $1 / 1e8, $2, $3 }')
is "$(sym)" "$want" "symbols: today is New York's 03-10, prev_close 03-09's close"
is "$(cgi ny.db '/api/v1/candles?symbol=S1&interval=1d&from=2024-03-10T12:00:00Z&limit=1' |
    grep -o '"t":[0-9]*\|"live":[a-z]*\|"next":[0-9]*\|"tz":"[^"]*"' | paste -sd' ')" \
    '"tz":"America/New_York" "t":1710046800000 "live":true "next":1710129600000' \
    "candles 1d: the 23-hour day, live, next 23 hours later"
is "$(cgi ny.db '/api/v1/candles?symbol=S1&interval=1w&from=1710046800000&limit=1' |
    grep -o '"t":[0-9]*\|"next":[0-9]*' | paste -sd' ')" \
    '"t":1709528400000 "next":1710129600000' "candles 1w: Monday 03-04 05:00Z to Monday 03-11 04:00Z"

# Walking the 1d candles forwards page by page = the whole list.
walk() {
	local from=0 page out=
	while :; do
		page=$(cgi ny.db "/api/v1/candles?symbol=S2&interval=1d&from=$from&limit=3")
		out="$out$(echo "$page" | grep -o '"t":[0-9]*' | cut -d: -f2)"$'\n'
		[[ $page == *'"more":true'* ]] || break
		from=$(echo "$page" | grep -o '"next":[0-9]*' | cut -d: -f2)
	done
	echo "$out" | grep . | paste -sd,
}
is "$(walk)" "$(q ny.db "SELECT group_concat(t) FROM (SELECT t FROM candles c JOIN symbols s ON s.id = c.symbol_id
    WHERE s.symbol = 'S2' AND iv = 1440 ORDER BY t)")" "1d pages of 3, forwards: every day once"

# ticks from/to across New York's day boundaries = a full scan.
full() {
	q ny.db "SELECT group_concat(id) FROM (SELECT t.id FROM ticks t JOIN symbols s ON s.id = t.symbol_id
	    WHERE s.symbol = 'S0' AND ts >= $1 AND ts < $2 ORDER BY t.id)"
}
served() {
	cgi ny.db "/api/v1/ticks?symbol=S0&from=$1&to=$2&limit=10000" | grep -o '"id":[0-9]*' | cut -d: -f2 | paste -sd,
}
for r in "1709600000000 1710300000000" "1710046800000 1710129600000" "1730500000123 1730800000000" \
    "1709596800000 1731456000000"; do
	set -- $r
	is "$(served "$1" "$2")" "$(full "$1" "$2")" "ticks $1..$2: the full scan's ids"
done

# TICKFEED_TZ in the app's environment must name the store's zone.
printf '#!/bin/sh\nTICKFEED_TZ=Europe/London exec %s "$@"\n' "$BIN/tickfeed.fcgi" > london
printf '#!/bin/sh\nTICKFEED_TZ=%s exec %s "$@"\n' $NY "$BIN/tickfeed.fcgi" > newyork
chmod 755 london newyork
is "$(GOLDEN_APP=./london golden_cgi ny.db GET /api/v1/symbols | sed -n '1p;$p')" \
    'status: 503
{"error":{"code":"db_zone","message":"database trading zone America/New_York, but TICKFEED_TZ says Europe/London: run tickfeed-ingest --db PATH set-tz Europe/London, or unset TICKFEED_TZ"}}' \
    "app: TICKFEED_TZ other than the store's: 503 db_zone, saying what to run"
is "$(GOLDEN_APP=./london golden_cgi ny.db GET '/api/v1/ticks?symbol=S0&limit=1' | head -1)" \
    "status: 503" "every read (ticks too)"
is "$(GOLDEN_APP=./newyork golden_cgi ny.db GET /api/v1/symbols | head -1)" "status: 200" \
    "TICKFEED_TZ the store's: 200"
q utc.db "UPDATE settings SET value = 'Mars/Olympus' WHERE key = 'tz'"
like "$(golden_cgi utc.db GET /api/v1/health | tail -1)" \
    '"code":"db_zone","message":"database trading zone .Mars/Olympus. is not in this system.s tz database' \
    "a store whose zone this system does not know: 503 db_zone"
done_testing
