#!/bin/bash
# The monitoring wiring, live: a real Prometheus and Alertmanager started
# here on 127.0.0.1 with the configuration the monitoring role renders
# (scrapes every second, a feed stale after 3 s, a webhook receiver of
# the test's own), scraping the app through nginx while the simulator
# feeds it.  Prometheus scrapes the app; the stale-feed alert stays quiet
# while ticks arrive; with the simulator stopped it fires (Prometheus's
# API) and reaches Alertmanager and the webhook.
. "$(dirname "$0")/../lib.sh"
test_stack prometheus prometheus-alertmanager ansible-playbook python3
[ "$(id -u)" -eq 0 ] || skip_all "the role writes files owned by root:prometheus"
getent passwd prometheus >/dev/null || skip_all "no prometheus user (the prometheus package)"
. "$ROOT/tests/monitoring/render.sh"
INGEST=$BIN/tickfeed-ingest
[ -x "$INGEST" ] && [ -x "$STACK_APP" ] || skip_all "build first (make)"
chmod 711 "$TEST_TMP"
on_exit "stack_kill_pidfile $TEST_TMP/sim.pid"
on_exit "stack_kill_pidfile $TEST_TMP/prometheus.pid"
on_exit "stack_kill_pidfile $TEST_TMP/alertmanager.pid"
on_exit "stack_kill_pidfile $TEST_TMP/webhook.pid"

DB=$TEST_TMP/ticks.db
"$INGEST" --db "$DB" init >/dev/null 2>&1
"$INGEST" simulate --db "$DB" --symbols AAPL --rate 4 --flush-ms 200 \
    >"$TEST_TMP/sim.log" 2>&1 &
echo $! >"$TEST_TMP/sim.pid"
stack_wait_for test -e "$DB-wal"
stack_start_app "$DB" >/dev/null
stack_start_nginx >/dev/null
ok $? "the app behind nginx, fed by the simulator"
web_port=${STACK_URL##*:}

prom=$(stack_free_port); am=$(stack_free_port); hook=$(stack_free_port)
python3 "$ROOT/tests/monitoring/webhook.py" "$hook" "$TEST_TMP/hook.jsonl" &
echo $! >"$TEST_TMP/webhook.pid"
d=$TEST_TMP/mon
cat >"$TEST_TMP/vars.json" <<JSON
{"monitoring_scrape_interval": "1s", "monitoring_stale_after": 3,
 "monitoring_prometheus_port": $prom, "monitoring_alertmanager_port": $am,
 "monitoring_group_wait": "1s",
 "monitoring_alert_receiver": {"webhook_configs": [{"url": "http://127.0.0.1:$hook/"}]}}
JSON
MONITORING_WEB="web1 tickfeed_tls=false tickfeed_metrics_address=127.0.0.1 tickfeed_http_port=$web_port" \
    monitoring_render "$d" -e "@$TEST_TMP/vars.json"
ok $? "the monitoring role renders its configuration for this stack"

prometheus-alertmanager --config.file="$d/etc/alertmanager.yml" \
    --storage.path="$d/am" --web.listen-address="127.0.0.1:$am" \
    --cluster.listen-address= >"$TEST_TMP/alertmanager.log" 2>&1 &
echo $! >"$TEST_TMP/alertmanager.pid"
prometheus --config.file="$d/etc/prometheus.yml" --storage.tsdb.path="$d/data" \
    --web.listen-address="127.0.0.1:$prom" >"$TEST_TMP/prometheus.log" 2>&1 &
echo $! >"$TEST_TMP/prometheus.pid"
P=http://127.0.0.1:$prom/api/v1

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	local n=$1 i; shift
	for i in $(seq "$n"); do "$@" && return 0; sleep 1; done
	return 1
}
target_up() {
	curl -s "$P/targets" | python3 -c '
import json, sys
t = [a for a in json.load(sys.stdin)["data"]["activeTargets"]
     if a["labels"].get("job") == "tickfeed"]
sys.exit(0 if t and all(a["health"] == "up" for a in t) else 1)' 2>/dev/null
}
query() {	# query PROMQL: the value of its first sample, or nothing
	curl -s "$P/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
alert_state() {	# alert_state NAME: its state in Prometheus (or "none")
	curl -s "$P/alerts" | python3 -c '
import json, sys
a = [x for x in json.load(sys.stdin)["data"]["alerts"]
     if x["labels"]["alertname"] == sys.argv[1]]
print(" ".join(sorted(x["state"] + ":" + x["labels"].get("host", "") for x in a)) or "none")' "$1"
}
pending() { [ "$(alert_state TickfeedFeedStale)" = "pending:web1" ]; }
firing() { [ "$(alert_state TickfeedFeedStale)" = "firing:web1" ]; }

wait_for 30 target_up
ok $? "Prometheus scrapes the app's /api/v1/metrics through nginx (target up)"
wait_for 10 test -n "$(query 'tickfeed_cursor{job="tickfeed",host="web1"}')"
like "$(query 'tickfeed_cursor{job="tickfeed",host="web1"}')" '^[1-9][0-9]*$' \
    "tickfeed_cursor is scraped, with the labels the rules use"
age=$(query 'tickfeed_newest_tick_age_seconds{host="web1"}')
ok "$(awk -v a="$age" 'BEGIN { exit !(a != "" && a < 3) }'; echo $?)" \
    "while the simulator feeds, the newest tick is ${age}s old"
is "$(query 'tickfeed:market_open')" 1 "the market is open (the default: always)"
sleep 5
is "$(alert_state TickfeedFeedStale)" none "while ticks arrive, no stale-feed alert"

stack_kill_pidfile "$TEST_TMP/sim.pid"
start=$(date +%s)
diag "simulator stopped; the alert is due after 3 s stale and 1 m pending"
wait_for 20 pending
ok $? "the feed stopped: the alert is pending"
wait_for 100 firing
ok $? "then firing, in Prometheus's API ($(( $(date +%s) - start )) s after the feed stopped)"
am_alerts() {
	curl -s "http://127.0.0.1:$am/api/v2/alerts" | python3 -c '
import json, sys
print(" ".join(sorted(a["labels"]["alertname"] + ":" + a["labels"].get("host", "")
                      for a in json.load(sys.stdin))))'
}
am_has() { grep -q TickfeedFeedStale <<<"$(am_alerts)"; }
wait_for 30 am_has
like "$(am_alerts)" 'TickfeedFeedStale:web1' "Alertmanager holds the alert"
wait_for 30 grep -q '"alertname": "TickfeedFeedStale"' "$TEST_TMP/hook.jsonl"
hook_line=$(grep -m1 '"alertname": "TickfeedFeedStale"' "$TEST_TMP/hook.jsonl")
like "$hook_line" '"status": "firing"' "the webhook receiver got it, firing"
like "$hook_line" '"summary": "web1: newest tick is [0-9]' "... with its summary"

done_testing
