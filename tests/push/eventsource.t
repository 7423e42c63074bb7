#!/bin/bash
# The stream read by a generic SSE client, the npm `eventsource` package
# (the version package-lock.json pins), against the real stack: the app
# (heartbeat 1 s), nginx and Apache mod_proxy_fcgi with the shipped conf/
# snippets, a store fed by tickfeed-ingest.  eventsource.mjs does the
# checking:
#   - a client that loses its connection after the opening `start` event
#     and before its first tick (a relay between it and nginx is cut while
#     ticks are committed) reconnects with Last-Event-ID set from that
#     event and receives every tick committed meanwhile, once, in order
#   - a client behind nginx and one behind Apache ride out a 6 s outage of
#     the app (stopped by its pid file while the simulator commits ticks,
#     then started again on the same socket): every answer they get is a
#     200 event stream (the web server's `retry:` answer while the app is
#     down, never the JSON 503 that would close them for good), they never
#     close, each reconnect carries the last id received, and in the end
#     each has every tick of its symbols committed since it started, once,
#     in id order, exactly as sqlite3 reads the store
#   - with the app down, long-poll still gets the JSON 503 with Retry-After
. "$(dirname "$0")/../lib.sh"
test_stack apache2 node sqlite3
[ -d "$ROOT/node_modules/eventsource" ] ||
    skip_all "no eventsource package (npm ci, or make)"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"
DB=$TEST_TMP/ticks.db
export TICKFEED_DB=$DB
HEARTBEAT_MS=1000
on_exit "stack_kill_pidfile $TEST_TMP/sim.pid"

now=$(date +%s%3N)
printf 'symbol,ts,price,size\nAAPL,%d,189.10,100\nMSFT,%d,370.12,5\nEURUSD,%d,1.08515,1000\n' \
    $((now - 3000)) $((now - 2000)) $((now - 1000)) >"$TEST_TMP/seed.csv"
"$INGEST" -q "$TEST_TMP/seed.csv"
is "$?" 0 "three symbols stored"

stack_start_app "$DB" -b "$HEARTBEAT_MS" >/dev/null
ok $? "the app starts (heartbeat $HEARTBEAT_MS ms)"
stack_start_nginx >/dev/null
ok $? "nginx starts in front of it"
nginx_url=$STACK_URL
stack_start_apache proxy_fcgi "$DB" >/dev/null
ok $? "Apache (mod_proxy_fcgi) starts in front of it"
apache_url=$STACK_URL

# What eventsource.mjs may do to the stack, through this script.
cat >"$TEST_TMP/ctl" <<CTL
#!/bin/bash
# ctl VERB: app-stop | app-start | sim-start | sim-stop | ingest FILE
STACK_DIR=$STACK_DIR
BUILD=$BUILD
. "$ROOT/tools/stack.sh"
case \$1 in
app-stop) stack_kill_pidfile "$STACK_DIR/app.pid" ;;
app-start) stack_start_app "$DB" -b $HEARTBEAT_MS ;;
sim-start)
	"$INGEST" simulate --symbols AAPL,MSFT,EURUSD --seed 11 --rate 30 \
	    --flush-ms 100 >>"$TEST_TMP/sim.log" 2>&1 &
	echo \$! >"$TEST_TMP/sim.pid" ;;
sim-stop) stack_kill_pidfile "$TEST_TMP/sim.pid" ;;
ingest) "$INGEST" -q "\$2" ;;
*) exit 2 ;;
esac
CTL
chmod +x "$TEST_TMP/ctl"

# eventsource.mjs goes on with the numbering and prints the plan.
TAP_N=$TAP_N TAP_FAILED=$TAP_FAILED \
TICKFEED_NGINX=$nginx_url TICKFEED_APACHE=$apache_url \
TICKFEED_CTL=$TEST_TMP/ctl TICKFEED_TMP=$TEST_TMP TICKFEED_DB=$DB \
TICKFEED_HEARTBEAT_MS=$HEARTBEAT_MS \
    node "$ROOT/tests/push/eventsource.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
	diag "app.log:"; tail -20 "$STACK_DIR/app.log" | sed 's/^/# /'
	diag "nginx error.log:"; tail -20 "$STACK_DIR/nginx/error.log" | sed 's/^/# /'
	diag "apache error.log:"
	tail -20 "$STACK_DIR/apache-proxy_fcgi/error.log" | sed 's/^/# /'
fi
exit "$rc"
