#!/bin/bash
# The monitoring role's configuration, rendered by its own tasks
# (tests/monitoring/render.yml) with group_vars/all.yml: Prometheus's,
# Alertmanager's and the alert rules pass promtool and amtool; each web
# node is scraped at /api/v1/metrics, over HTTPS trusting its own
# certificate or over HTTP; and `promtool test rules` proves the rules'
# logic (rules_test.yml: stale feed, 5xx share, waiting clients near the
# cap, replication lag, node down, database down, disk filling;
# market_test.yml: the stale-feed alert only while the market is open).
# Not vacuous: a rule that does not parse stops the play, and the same
# tests fail against rules rendered with another threshold.
. "$(dirname "$0")/../lib.sh"
for t in ansible-playbook promtool amtool openssl; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
[ "$(id -u)" -eq 0 ] || skip_all "the role writes files owned by root:prometheus"
getent passwd prometheus >/dev/null || skip_all "no prometheus user (the prometheus package)"
. "$ROOT/tests/monitoring/render.sh"

d=$TEST_TMP/default
monitoring_render "$d"
ok $? "the monitoring role renders its configuration with group_vars/all.yml"
out=$(promtool check rules "$d/etc/tickfeed-rules.yml" 2>&1)
like "$out" "SUCCESS: 9 rules found" "promtool check rules: the 9 rules parse"
out=$(promtool check config "$d/etc/prometheus.yml" 2>&1)
ok $? "promtool check config passes"
out=$(amtool check-config "$d/etc/alertmanager.yml" 2>&1)
ok $? "amtool check-config passes"
cmp -s "$d/web.pem" "$d/etc/tickfeed-web/web1.pem"
ok $? "web1's certificate, read from web1, is the one Prometheus trusts for it"
jobs=$(python3 - "$d/etc/prometheus.yml" <<'PY'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for j in c["scrape_configs"]:
    if j["job_name"].startswith("tickfeed-"):
        t = j.get("tls_config", {})
        print(j["job_name"], j.get("scheme"), j["metrics_path"],
              j["static_configs"][0]["targets"][0],
              j["static_configs"][0]["labels"]["host"],
              t.get("ca_file", "-").rsplit("/", 1)[-1], t.get("server_name", "-"),
              j["relabel_configs"][0]["replacement"])
PY
)
is "$jobs" "tickfeed-web1 https /api/v1/metrics web1:443 web1 web1.pem tickfeed.test tickfeed
tickfeed-web2 http /api/v1/metrics 127.0.0.1:8080 web2 - - tickfeed" \
    "one scrape job per web node: web1 over HTTPS (its certificate, its name), web2 over HTTP"

cp "$ROOT/tests/monitoring/rules_test.yml" "$d/etc/"
out=$(cd "$d/etc" && promtool test rules rules_test.yml 2>&1); rc=$?
is "$rc" 0 "promtool test rules: the alerts' logic (rules_test.yml)"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -30 | sed 's/^/# /'

m=$TEST_TMP/market
monitoring_render "$m" -e '{"monitoring_market_hours": [{"days": [1, 2, 3, 4, 5], "open": "13:30", "close": "20:00"}]}'
ok $? "rendered with a market open Monday to Friday, 13:30-20:00 UTC"
cp "$ROOT/tests/monitoring/market_test.yml" "$m/etc/"
out=$(cd "$m/etc" && promtool test rules market_test.yml 2>&1); rc=$?
is "$rc" 0 "promtool test rules: the stale feed alerts only while the market is open"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -30 | sed 's/^/# /'

# Not vacuous.
b=$TEST_TMP/broken
monitoring_render "$b" -e 'monitoring_stale_after="120 +"'
rc=$?
[ "$rc" -ne 0 ] && grep -q 'Write the alert rules' "$b/render.log" &&
    grep -q 'failed to validate' "$b/render.log"
ok $? "a rule that does not parse stops the play at its validation (rc $rc)"
[ -e "$b/etc/tickfeed-rules.yml" ]
is $? 1 "... and is not written"
o=$TEST_TMP/other
monitoring_render "$o" -e monitoring_stale_after=300
cp "$ROOT/tests/monitoring/rules_test.yml" "$o/etc/"
out=$(cd "$o/etc" && promtool test rules rules_test.yml 2>&1)
like "$out" 'alertname: TickfeedFeedStale, time: 8m' \
    "rules_test.yml fails against rules with another stale threshold"

done_testing
