#!/bin/bash
# What market-data users expect of the chart page (issue #18), in headless
# Debian Chromium (playwright-core) against the real stack: nginx with
# conf/nginx/ in front of tickfeed.fcgi, a store whose trading zone is
# America/New_York fed by tickfeed-ingest: HIST, 48 hours of ticks every
# 30 s across the night clocks went back (2024-11-03), and FX, a few ticks
# with four decimals.  market.mjs does the checking:
#   - scroll back: dragging the 1m chart left loads the ~2880 bars page by
#     page (500 a page) until the store has no more; the bars then equal
#     a direct walk of the API's pages and a single read of the range,
#     each time once, in order; "go to live" shows while away and returns
#   - overlays: SMA, EMA (a chosen length), VWAP off by default, turned on
#     and off by their controls; SMA and EMA equal the same arithmetic on
#     the candles' closes, VWAP the candles' vwap exactly; the legend
#     shows them; they go into the URL, survive an interval change and
#     Back, and a copied link opens the same view with the same lines
#   - the URL round trip: a link with every setting opens that view and
#     keeps the link as it was
#   - the DST day: in the feed's zone the two 01:00 hour bars read EDT and
#     EST, the day marks of the axis sit at New York's midnights (04:00Z,
#     then 05:00Z: a 25-hour day), every axis label is the wall clock of
#     its zone; in UTC and in the browser's zone (Asia/Kolkata) likewise;
#     1d bars start at New York's midnights, and live ticks after the
#     store's history go into the New York day they belong to
#   - recent trades: the latest ticks newest first, equal to
#     ticks?order=desc with prices as the API wrote them (1.0800) and
#     times in the zone chosen; new ticks, a late one too, come on top
. "$(dirname "$0")/../lib.sh"

[ -x /usr/bin/chromium ] || skip_all "chromium is not installed"
[ -d "$ROOT/node_modules/playwright-core" ] || skip_all "no playwright-core (npm ci)"
[ -f "$ROOT/www/vendor/lightweight-charts.standalone.production.js" ] ||
    skip_all "www/vendor is empty (make)"
[ -f /usr/share/zoneinfo/America/New_York ] || skip_all "no tz database (tzdata)"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"
test_stack sqlite3

DB=$TEST_TMP/ticks.db
export TICKFEED_DB=$DB

TICKFEED_TZ=America/New_York "$INGEST" -q init
is "$?" 0 "a store in America/New_York"
is "$(sqlite3 -readonly "$DB" "SELECT value FROM settings WHERE key = 'tz'")" \
    America/New_York "its zone is New York"

# 2024-11-02T12:00Z .. 2024-11-04T12:00Z, a tick every 30 s.
"$INGEST" -q simulate --symbols HIST --seed 3 --count 5760 --rate 0 \
    --start-ts 1730548800000 --step-ms 30000
is "$?" 0 "48 hours of HIST stored"

# FX: four decimals, trailing zeros, both 01:30 of the night of 2024-11-03.
cat >"$TEST_TMP/fx.csv" <<'CSV'
symbol,ts,price,size
FX,1730611800000,1.0800,100
FX,1730611815500,1.0812,250
FX,1730611830000,1.0790,50
FX,1730615400000,1.0805,75
FX,1730615415250,1.0805,10
FX,1730615430000,1.0830,300
CSV
"$INGEST" -q "$TEST_TMP/fx.csv"
is "$?" 0 "FX's ticks stored"

stack_start_app "$DB" -b 1000 >/dev/null
ok $? "the app starts"
stack_start_nginx >/dev/null
ok $? "nginx starts in front of it"

cat >"$TEST_TMP/ctl" <<CTL
#!/bin/bash
# ctl ingest FILE
case \$1 in
ingest) "$INGEST" -q "\$2" ;;
*) exit 2 ;;
esac
CTL
chmod +x "$TEST_TMP/ctl"

TAP_N=$TAP_N TAP_FAILED=$TAP_FAILED \
TICKFEED_URL=$STACK_URL/ TICKFEED_CTL=$TEST_TMP/ctl TICKFEED_TMP=$TEST_TMP \
    node "$ROOT/tests/browser/market.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
	diag "app.log:"; tail -20 "$STACK_DIR/app.log" | sed 's/^/# /'
	diag "nginx error.log:"; tail -20 "$STACK_DIR/nginx/error.log" | sed 's/^/# /'
fi
exit "$rc"
