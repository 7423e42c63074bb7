#!/bin/bash
# The chart page in headless Debian Chromium (playwright-core) against the
# real stack: nginx with conf/nginx/ in front of tickfeed.fcgi, a database
# fed by tickfeed-ingest (six hours of simulated history, a live simulator,
# and a quiet symbol only this test moves).  chart.mjs does the checking:
#   - the page loads with no console errors; the list shows every symbol;
#     the chart's bars equal `candles` bar for bar; attribution shown
#   - a tick fed by tickfeed-ingest shows as the last price within 2 s,
#     over the stream, over long-poll (EventSource removed), over the
#     fallback to long-poll (stream requests fail), and with the API on
#     another origin (CORS); each time a new bar, an update and a late tick
#     leave the bars equal to `candles`, and the recent trades equal
#     ticks?order=desc with prices as written, the late tick on top
#   - switching symbol and every interval of the API, 1m to 1w (clicks),
#     loads the right data and keeps it in the URL; Back returns
#   - phone width: nothing overflows, the chart fills the width; the
#     intervals, overlays, zone and recent trades are on the screen
#   - the app stopped for 6 s mid-stream while ticks are stored, then
#     restarted: the page says so, keeps its stream (the web server's
#     retry answer; no long-poll, no reload), is live again within 6 s,
#     and has every tick stored since it loaded once, in id order (as
#     sqlite3 reads the store), with bars equal to `candles`; the "last
#     tick N s ago" age is shown and fresh
#   - a quiet market (no ticks) stays live on heartbeats while the age
#     grows; the app SIGSTOPped: the page notices the silent stream two
#     heartbeats and a margin after its last event, and streams again by
#     itself once the app runs (the app runs with 1 s heartbeats)
#   - ticks after the page's cursor pruned while the app is down (410):
#     the page starts over by itself and ends equal to `candles`
#   - the same files in a sub-folder of "shared hosting" (Apache mod_cgi
#     and conf/apache/htaccess): relative API base, live, equal to candles
#   - a screenshot of the live page (TICKFEED_SCREENSHOT, else in $BUILD)
#   - with API keys on (a second app and nginx on the same database): the
#     page asks for a key, refuses a wrong one, logs in with a good one,
#     sends it as Bearer and as the stream's cookie, and goes live
#   - screenshots of the live page with SMA, EMA and VWAP on, at desktop
#     and phone width (TICKFEED_SCREENSHOT, TICKFEED_SCREENSHOT_PHONE, else
#     in $BUILD)
. "$(dirname "$0")/../lib.sh"

[ -x /usr/bin/chromium ] || skip_all "chromium is not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 is not installed"
[ -d "$ROOT/node_modules/playwright-core" ] || skip_all "no playwright-core (npm ci)"
[ -f "$ROOT/www/vendor/lightweight-charts.standalone.production.js" ] ||
    skip_all "www/vendor is empty (make)"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"

DB=$TEST_TMP/ticks.db
LIVE_SYMBOLS=AAPL,MSFT,EURUSD
HEARTBEAT_MS=1000
STACK_DIR=$TEST_TMP/stack
chmod 711 "$TEST_TMP"	# nginx's workers (nobody) reach the socket in it
export TICKFEED_DB=$DB
on_exit stack_stop
on_exit "[ -s $TEST_TMP/stack/app.pid ] && kill -CONT \$(cat $TEST_TMP/stack/app.pid)"
on_exit "stack_kill_pidfile $TEST_TMP/sim.pid"

# History: a seeded walk over the last six hours, told backwards so that
# it ends where the live simulator (same presets) starts, and stored in
# time order, as a feed stores it (the recent trades list by id).
now=$(date +%s%3N)
start=$((now - 6 * 3600 * 1000))
"$INGEST" simulate --symbols "$LIVE_SYMBOLS" --seed 7 --count 14400 --rate 0 \
    --start-ts "$start" --step-ms 1500 --print csv |
    awk -F, -v OFS=, -v s="$start" -v e="$((now - 1000))" \
    'NR == 1 { print; next } { $2 = sprintf("%.0f", e - ($2 - s)); print }' |
    { IFS= read -r header; echo "$header"; sort -s -t, -k2,2n; } >"$TEST_TMP/history.csv"
"$INGEST" -q "$TEST_TMP/history.csv"
is "$?" 0 "six hours of history stored"

# The quiet symbol: one tick a minute, two hours ago.
quiet_end=$(( (now - 2 * 3600 * 1000) / 60000 * 60000 ))
{ echo symbol,ts,price,size
  for i in $(seq 40 -1 1); do
	printf 'QUIET,%d,%d.%02d,%d\n' $((quiet_end - i * 60000 + 1500)) \
	    $((100 + i % 7)) $((i * 13 % 100)) $((i * 10))
  done; } >"$TEST_TMP/quiet.csv"
"$INGEST" -q "$TEST_TMP/quiet.csv"
is "$?" 0 "the quiet symbol's ticks stored"

stack_start_app "$DB" -b "$HEARTBEAT_MS" >/dev/null
ok $? "the app starts (heartbeat $HEARTBEAT_MS ms)"
stack_start_nginx >/dev/null
ok $? "nginx starts in front of it"
nginx_url=$STACK_URL

# API keys: a second app and nginx, keys on, over the same database.
KEYS_FILE=$TEST_TMP/api-keys
TICKFEED_KEY=$("$ROOT/scripts/tickfeed-key" new "$KEYS_FILE" browser) &&
    chmod 644 "$KEYS_FILE"
ok $? "a key file with one key"
main_stack=$STACK_DIR
STACK_DIR=$TEST_TMP/stack-keys
TICKFEED_KEYS=$KEYS_FILE stack_start_app "$DB" >/dev/null
ok $? "a second app, with API keys"
stack_start_nginx >/dev/null
ok $? "nginx in front of it"
keys_url=$STACK_URL
STACK_DIR=$main_stack

"$INGEST" simulate --symbols "$LIVE_SYMBOLS" --seed 8 --rate 4 \
    --flush-ms 200 >"$TEST_TMP/sim.log" 2>&1 &
echo $! >"$TEST_TMP/sim.pid"

# Shared hosting: the page, the program and the .htaccess in a sub-folder
# of an Apache (mod_cgi) web directory.  (After the simulator started:
# the CGI runs as nobody, and a read-only reader of a WAL database needs
# its -shm, which a writer creates.)
if command -v apache2 >/dev/null; then
	stack_start_apache cgi "$DB" >/dev/null
	ok $? "Apache (mod_cgi) starts"
	htdocs=$STACK_DIR/apache-cgi/htdocs
	sub=$htdocs/shop/tickfeed
	mkdir -p "$sub"
	cp -R "$ROOT/www/." "$sub/"
	cp "$htdocs/tickfeed.fcgi" "$htdocs/.htaccess" "$sub/"
	stack_wait_for test -e "$DB-shm"
	export TICKFEED_SUBDIR_URL=$STACK_URL/shop/tickfeed/
	is "$(curl -s -o /dev/null -w '%{http_code}' "${TICKFEED_SUBDIR_URL}api/v1/health")" 200 \
	    "the API answers in the sub-folder"
fi

# What chart.mjs may do to the stack, through this script.
cat >"$TEST_TMP/ctl" <<CTL
#!/bin/bash
# ctl VERB: app-stop | app-start | app-pause | app-resume | sim-stop
#           | ingest FILE | prune
STACK_DIR=$STACK_DIR
BUILD=$BUILD
. "$ROOT/tools/stack.sh"
case \$1 in
app-stop) stack_kill_pidfile "$STACK_DIR/app.pid" ;;
app-start) stack_start_app "$DB" -b $HEARTBEAT_MS ;;
app-pause) kill -STOP \$(cat "$STACK_DIR/app.pid") ;;
app-resume) kill -CONT \$(cat "$STACK_DIR/app.pid") ;;
sim-stop) stack_kill_pidfile "$TEST_TMP/sim.pid" ;;
ingest) "$INGEST" -q "\$2" ;;
prune) "$INGEST" -q prune --older-than 0 ;;
*) exit 2 ;;
esac
CTL
chmod +x "$TEST_TMP/ctl"

# chart.mjs goes on with the numbering and prints the plan.
TAP_N=$TAP_N TAP_FAILED=$TAP_FAILED \
TICKFEED_URL=$nginx_url/ TICKFEED_CTL=$TEST_TMP/ctl TICKFEED_TMP=$TEST_TMP \
    TICKFEED_KEYS_URL=$keys_url/ TICKFEED_KEY=$TICKFEED_KEY \
    TICKFEED_QUIET=QUIET TICKFEED_LIVE=MSFT TICKFEED_HEARTBEAT_MS=$HEARTBEAT_MS \
    TICKFEED_SCREENSHOT=${TICKFEED_SCREENSHOT:-$BUILD/screenshot.png} \
    TICKFEED_SCREENSHOT_PHONE=${TICKFEED_SCREENSHOT_PHONE:-$BUILD/screenshot-phone.png} \
    node "$ROOT/tests/browser/chart.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
	diag "app.log:"; tail -20 "$STACK_DIR/app.log" | sed 's/^/# /'
	diag "nginx error.log:"; tail -20 "$STACK_DIR/nginx/error.log" | sed 's/^/# /'
fi
exit "$rc"
