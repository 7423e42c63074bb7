#!/bin/bash
# ansible/site.yml for real: four fresh Debian 12 roots made by
# debootstrap (web1 behind nginx, web2 behind Apache with mod_proxy_fcgi,
# web3 behind Apache with mod_fcgid and the --follow service, logs the
# collector and Prometheus),
# driven by the community.general.chroot connection, twice (the second run
# changes nothing), with TLS on: web1 and web2 get a certificate of a CA
# this test made, web3 none (a self-signed one is made, and the play says
# so).  Then through each web server on loopback, over HTTPS: curl with
# the CA verifies the certificate, plain HTTP redirects, h2 is
# negotiated, health is ok and quotes shows exactly the ticks the
# cron-scheduled ingest took from files this test dropped into the spool;
# headless Chromium opens eight tabs of the page on web1 and every tab's
# stream gets the next tick.  Prometheus on the collector scrapes all
# three web nodes over HTTPS, with the rules loaded.  Then log shipping:
# the app's, the web server's and the ingest tool's lines reach the
# collector; with the collector stopped, 1,000 numbered lines written
# meanwhile all arrive once each after it is started again.  Last, the
# deployed limits: past its rate a client gets the JSON 429.
#
# The roots share this machine's network (ports chosen here, on
# 127.0.0.1) and its pid space: every process started in them is stopped
# at the end by the pid found in its pid file, or by its root directory.
# Mounts (/proc in each root) live in a private mount namespace that ends
# with the test.  Needs root and the Debian mirror this machine uses
# (TICKFEED_DEBIAN_MIRROR overrides it).
if [ -z "${TICKFEED_DEPLOY_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
    command -v unshare >/dev/null; then
	export TICKFEED_DEPLOY_NS=1
	exec unshare --mount --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/http/tls_lib.sh"
cd "$ROOT" || exit 1
[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, chroot)"
[ -n "${TICKFEED_DEPLOY_NS:-}" ] || skip_all "needs unshare for a private mount namespace"
for tool in debootstrap ansible-playbook curl chroot openssl; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done
[ -f www/vendor/lightweight-charts.standalone.production.js ] ||
    skip_all "run make first (www/vendor)"

export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_LOCAL_TEMP=$TEST_TMP/ansible-tmp
export ANSIBLE_CONFIG=$ROOT/ansible/ansible.cfg ANSIBLE_HOST_KEY_CHECKING=0
T=$TEST_TMP
HOSTS=(web1 web2 web3 logs)

# The mirror this machine's apt uses.
debian_mirror() {
	local m=${TICKFEED_DEBIAN_MIRROR:-}
	[ -n "$m" ] || m=$(awk '/^URIs:/ { print $2; exit }' \
	    /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && / bookworm / { print $2; exit }' \
	    /etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

# stop_root DIR: stop every process whose root directory is DIR: first
# those named by pid files under DIR/run (their children follow), then
# any left, each by its pid.
stop_root() {
	local root=$1 f pid
	while read -r f; do
		pid=$(cat "$f" 2>/dev/null)
		[[ $pid =~ ^[0-9]+$ ]] || continue
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
		    stack_kill_pidfile "$f"
	done < <(find "$root/run" -name '*.pid' 2>/dev/null)
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] &&
		    kill -9 "$pid" 2>/dev/null
	done
	umount "$root/proc" 2>/dev/null || true
}
cleanup() {
	local h
	for h in "${HOSTS[@]}"; do stop_root "$T/$h"; done
	# Nothing may stay mounted below $T when lib.sh removes it.
	if grep -q " $T/" /proc/self/mounts; then
		diag "still mounted below $T: not removing it"
		TEST_TMP=/nonexistent
	fi
}
on_exit cleanup

# recap LOG HOST: the PLAY RECAP counters of HOST, "ok=N changed=N ...".
recap() {
	sed -n "s/^$2 *: \(ok=.*\)/\1/p" "$1" | tr -s ' ' | sed 's/ *$//'
}
count() {	# count KEY RECAP
	sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"
}

# --- four fresh roots ----------------------------------------------------
mirror=$(debian_mirror)
diag "debootstrap from $mirror"
debootstrap --variant=minbase bookworm "$T/base" "$mirror" \
    >"$T/debootstrap.log" 2>&1
rc=$?
is "$rc" 0 "debootstrap made a Debian 12 root"
[ "$rc" -eq 0 ] || { tail -20 "$T/debootstrap.log" | sed 's/^/# /'; done_testing; exit 1; }
# As in Debian's container images: packages never start services here;
# the playbook starts what it needs, with its own pid files.
printf '#!/bin/sh\nexit 101\n' >"$T/base/usr/sbin/policy-rc.d"
chmod 755 "$T/base/usr/sbin/policy-rc.d"
for h in "${HOSTS[@]}"; do
	cp -a "$T/base" "$T/$h"
	mount -t proc proc "$T/$h/proc"
done
rm -rf "$T/base"

# --- inventory: loopback ports chosen now --------------------------------
# The source as it is now: the work tree may change while the test runs,
# and the second run must build the same thing.
mkdir "$T/src"
{ git ls-files -co --exclude-standard; find www/vendor -type f; } | sort -u |
    while read -r f; do [ -f "$f" ] && echo "$f"; done |
    tar -cf - -T - | tar -xf - -C "$T/src"
# port_*: HTTPS; hport_*: plain HTTP (a redirect).
port_nginx=$(stack_free_port); port_apache=$(stack_free_port); port_fcgid=$(stack_free_port)
hport_nginx=$(stack_free_port); hport_apache=$(stack_free_port); hport_fcgid=$(stack_free_port)
port_relp=$(stack_free_port)
port_prom=$(stack_free_port); port_am=$(stack_free_port); port_node=$(stack_free_port)
# The certificate of web1 and web2, from a CA of the test's own, dropped
# where an admin (or certbot) would keep it; web3 gets none.
tls_ca "$T/tls" tickfeed.test
for h in web1 web2; do
	install -d -m 755 "$T/$h/etc/ssl/tickfeed-test"
	install -m 644 "$T/tls/cert.pem" "$T/$h/etc/ssl/tickfeed-test/fullchain.pem"
	install -m 600 "$T/tls/key.pem" "$T/$h/etc/ssl/tickfeed-test/privkey.pem"
done
given="tickfeed_tls_cert=/etc/ssl/tickfeed-test/fullchain.pem tickfeed_tls_key=/etc/ssl/tickfeed-test/privkey.pem"
cat >"$T/inventory.ini" <<EOF
[web]
web1 ansible_host=$T/web1 tickfeed_web_server=nginx tickfeed_https_port=$port_nginx tickfeed_http_port=$hport_nginx $given
web2 ansible_host=$T/web2 tickfeed_web_server=apache tickfeed_https_port=$port_apache tickfeed_http_port=$hport_apache $given
web3 ansible_host=$T/web3 tickfeed_web_server=apache apache_fcgi_mode=fcgid tickfeed_https_port=$port_fcgid tickfeed_http_port=$hport_fcgid ingest_follow=path

[collector]
logs ansible_host=$T/logs

[all:vars]
ansible_connection=community.general.chroot
EOF
cat >"$T/vars.json" <<EOF
{"tickfeed_http_address": "127.0.0.1",
 "tickfeed_src_dir": "$T/src",
 "tickfeed_src_archive": "$T/tickfeed-src.tar",
 "logship_collector_host": "127.0.0.1",
 "logship_collector_port": $port_relp,
 "collector_address": "127.0.0.1",
 "tickfeed_server_name": "tickfeed.test",
 "tickfeed_metrics_address": "127.0.0.1",
 "monitoring_prometheus_port": $port_prom,
 "monitoring_alertmanager_port": $port_am,
 "monitoring_node_exporter_port": $port_node}
EOF
play() {	# play LOG [ARGS...]
	local log=$1; shift
	ansible-playbook -i "$T/inventory.ini" -e "@$T/vars.json" "$@" \
	    ansible/site.yml >"$log" 2>&1
}

# --- run twice -------------------------------------------------------------
play "$T/run1.log"; rc=$?
is "$rc" 0 "first run of site.yml succeeds"
if [ "$rc" -ne 0 ]; then
	grep -E '^(fatal|failed):' "$T/run1.log" | cut -c1-400 | sed 's/^/# /'
	grep -o '"stderr": "[^"]*' "$T/run1.log" | cut -c1-400 | sed 's/^/# /'
	tail -6 "$T/run1.log" | sed 's/^/# /'
	done_testing; exit 1	# nothing below can work
fi
for h in "${HOSTS[@]}"; do
	r=$(recap "$T/run1.log" "$h")
	like "$r" "^ok=[0-9]+ changed=[1-9][0-9]* unreachable=0 failed=0" \
	    "run 1 provisioned $h ($r)"
done

play "$T/run2.log"; rc=$?
is "$rc" 0 "second run of site.yml succeeds"
for h in "${HOSTS[@]}"; do
	r=$(recap "$T/run2.log" "$h")
	is "$(count changed "$r")/$(count failed "$r")/$(count unreachable "$r")" \
	    "0/0/0" "run 2 changed nothing on $h ($r)"
done
grep -B3 -E '^changed:' "$T/run2.log" | head -30 | sed 's/^/# /'

# --- the modes the web side runs with (names as the roots know them) -------
for h in web1 web2; do
	r=$T/$h
	is "$(chroot "$r" stat -c '%U:%G %a' /var/lib/tickfeed)" \
	    "tickfeed-ingest:tickfeed 2770" "$h: database directory mode"
	is "$(chroot "$r" stat -c '%U:%G %a' /var/lib/tickfeed/ticks.db)" \
	    "tickfeed-ingest:tickfeed 660" "$h: database owned by the ingest user"
	is "$(chroot "$r" stat -c '%U:%G %a' /run/tickfeed/fcgi.sock)" \
	    "tickfeed-web:www-data 660" "$h: socket in the web server's group"
	is "$(chroot "$r" id -Gn tickfeed-web)" "tickfeed" "$h: web user is in the tickfeed group"
done
# Under mod_fcgid Apache's user runs the app: it joins the group instead,
# and no app service of our own runs.
is "$(chroot "$T/web3" id -Gn www-data)" "www-data tickfeed" "web3: www-data is in the tickfeed group"
[ -e "$T/web3/run/tickfeed/fcgi.pid" ]
is $? 1 "web3: no app service of our own under mod_fcgid"

# --- the systemd units the playbook wrote, read as systemd reads them ------
# The roots have no systemd: systemd-analyze here checks each unit, its
# ExecStart pointed at a program this machine has.
fcgi_unit=$T/web1/etc/systemd/system/tickfeed-fcgi.service
for d in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes UMask=007 \
    User=tickfeed-web Group=tickfeed CapabilityBoundingSet=; do
	grep -qx -- "$d" "$fcgi_unit"
	ok $? "the app's unit has $d"
done
if command -v systemd-analyze >/dev/null; then
	for u in web1/tickfeed-fcgi web2/tickfeed-logship logs/tickfeed-collector; do
		n=${u#*/}.service
		sed 's|^ExecStart=[^ ]*|ExecStart=/bin/true|' \
		    "$T/${u%/*}/etc/systemd/system/$n" >"$T/$n"
		out=$(systemd-analyze verify "$T/$n" 2>&1); rc=$?
		is "$rc:$out" "0:" "systemd-analyze verify $u.service is clean"
	done
fi

# --- ticks through the spool, the cron job and the web servers ------------
# Written beside, then renamed in: the spool skips *.tmp.
drop() {	# drop HOST NAME CONTENT
	local d=$T/$1/var/spool/tickfeed
	printf '%s' "$3" >"$d/$2.tmp" && mv "$d/$2.tmp" "$d/$2"
}
drop web1 a.csv 'symbol,ts,price,size
TFA,1795858200000,101.23,100
TFA,1795858201000,101.25,200
TFB,1795858200500,7.5,10
'
drop web1 b.ndjson '{"symbol":"TFB","ts":1795858202000,"price":"7.55","size":30}
'
drop web2 c.csv 'symbol,ts,price,size
TFC,1795858300000,42.001,5
TFC,1795858301000,41.999,6
'
drop web3 d.csv 'symbol,ts,price,size
TFD,1795858400000,0.0001,1000
'
# The CA each HTTPS port is checked with: the test's, or web3's own
# self-signed certificate (read from its root).
declare -A ca_of=([$port_nginx]=$T/tls/ca.pem [$port_apache]=$T/tls/ca.pem
    [$port_fcgid]=$T/web3/etc/ssl/tickfeed/fullchain.pem)
hcurl() {	# hcurl PORT PATH [CURL ARGS...]: over HTTPS, verified
	local port=$1 path=$2; shift 2
	curl -s --max-time 10 --cacert "${ca_of[$port]}" \
	    --resolve "tickfeed.test:$port:127.0.0.1" "$@" "https://tickfeed.test:$port$path"
}
get() {	# get PORT PATH: the body, or nothing
	hcurl "$1" "$2"
}
# Cron runs the import within a minute; wait up to three.
wait_quotes() {	# wait_quotes PORT SYMBOLS CURSOR
	local i body
	for i in $(seq 90); do
		body=$(get "$1" "/api/v1/quotes?symbols=$2")
		[[ $body == "{\"cursor\":$3,"* ]] && break
		sleep 2
	done
	printf '%s' "$body"
}
q1=$(wait_quotes "$port_nginx" TFA,TFB 4)
is "$q1" '{"cursor":4,"quotes":[{"symbol":"TFA","id":2,"ts":1795858201000,"price":101.25,"size":200},{"symbol":"TFB","id":4,"ts":1795858202000,"price":7.55,"size":30}]}' \
    "nginx (web1): quotes shows the ticks its spool took in"
q2=$(wait_quotes "$port_apache" TFC 2)
is "$q2" '{"cursor":2,"quotes":[{"symbol":"TFC","id":2,"ts":1795858301000,"price":41.999,"size":6}]}' \
    "Apache (web2): quotes shows the ticks its spool took in"
q3=$(wait_quotes "$port_fcgid" TFD 1)
is "$q3" '{"cursor":1,"quotes":[{"symbol":"TFD","id":1,"ts":1795858400000,"price":0.0001,"size":1000}]}' \
    "Apache with mod_fcgid (web3): quotes shows the tick its spool took in"
# web3 also runs the --follow service on /var/log/feed/ticks.csv.
printf 'symbol,ts,price,size\nTFF,1795858500000,3.25,7\n' \
    >>"$T/web3/var/log/feed/ticks.csv"
q4=$(wait_quotes "$port_fcgid" TFD,TFF 2)
is "$q4" '{"cursor":2,"quotes":[{"symbol":"TFD","id":1,"ts":1795858400000,"price":0.0001,"size":1000},{"symbol":"TFF","id":2,"ts":1795858500000,"price":3.25,"size":7}]}' \
    "web3: the follow service stored the line appended to its file"
t1=$(get "$port_nginx" "/api/v1/ticks?symbol=TFA")
like "$t1" '^\{"cursor":4,"symbol":"TFA","ticks":\[\{"id":1,"ts":1795858200000,"price":101.23,"size":100\},\{"id":2,"ts":1795858201000,"price":101.25,"size":200\}\]' \
    "nginx (web1): both TFA ticks, exact"
is "$(ls "$T/web1/var/spool/tickfeed/done" | tr '\n' ' ')" "a.csv b.ndjson " \
    "web1: the spool moved both files to done/"
for p in "$port_nginx" "$port_apache" "$port_fcgid"; do
	h=$(get "$p" /api/v1/health)
	like "$h" '^\{"status":"ok",' "health is ok through port $p"
	is "$(hcurl "$p" /api/v1/nope -o /dev/null -w '%{http_code}')" \
	    404 "unknown API path is the app's 404 through port $p"
	cmp -s <(get "$p" /) www/index.html
	ok $? "the chart page is www/index.html through port $p"
done

# --- TLS and HTTP/2 -------------------------------------------------------
for r in run1 run2; do
	is "$(grep -c 'WARNING: web3 serves HTTPS with a SELF-SIGNED certificate' "$T/$r.log")" 1 \
	    "$r: the play says loudly that web3's certificate is self-signed"
	is "$(grep -c 'SELF-SIGNED' "$T/$r.log")" 1 "$r: ... and of web3 only"
done
for p in "$port_nginx" "$port_apache"; do
	out=$(hcurl "$p" /api/v1/health -o /dev/null -w '%{ssl_verify_result} %{http_version}')
	is "$out" "0 2" "port $p: the certificate verifies with the test's CA; h2 negotiated"
done
out=$(hcurl "$port_fcgid" /api/v1/health -o /dev/null -w '%{ssl_verify_result} %{http_version}')
is "$out" "0 2" "web3 (mod_fcgid): its self-signed certificate, for tickfeed.test; h2 negotiated"
out=$(curl -s --max-time 10 --cacert "$T/tls/ca.pem" --resolve "tickfeed.test:$port_fcgid:127.0.0.1" \
    -o /dev/null -w '%{http_code}' "https://tickfeed.test:$port_fcgid/")
is "$out" 000 "web3: the self-signed certificate is not the CA's"
for hp in "$hport_nginx:$port_nginx" "$hport_apache:$port_apache" "$hport_fcgid:$port_fcgid"; do
	out=$(curl -s --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' \
	    "http://127.0.0.1:${hp%:*}/api/v1/quotes?symbols=TFA")
	is "$out" "301 https://tickfeed.test:${hp#*:}/api/v1/quotes?symbols=TFA" \
	    "plain HTTP on ${hp%:*} moves to HTTPS"
done

# Eight tabs of the page on web1 (nginx), each stream live over h2 and
# receiving the next tick, stored by the ingest tool in web1's root.
if [ -x /usr/bin/chromium ] && [ -d "$ROOT/node_modules/playwright-core" ]; then
	ids=$(chroot "$T/web1" id -u tickfeed-ingest):$(chroot "$T/web1" id -g tickfeed-ingest)
	cat >"$T/tick" <<TICK
#!/bin/sh
printf 'symbol,ts,price,size\\nTFA,%s,101.5,1\\n' "\$(date +%s%3N)" >"$T/web1/tmp/tab.csv" &&
exec chroot --userspec=$ids "$T/web1" /usr/local/bin/tickfeed-ingest -q \\
    --db /var/lib/tickfeed/ticks.db /tmp/tab.csv
TICK
	chmod +x "$T/tick"
	TAP_N=$TAP_N TAP_FAILED=$TAP_FAILED TABS_LABEL="web1 (nginx)" \
	    TABS_URL=https://tickfeed.test:$port_nginx/ TABS_CERT=$T/tls/cert.pem \
	    TABS_TICK=$T/tick node "$ROOT/tests/http/tabs.mjs" >"$T/tabs.out" 2>&1
	grep -v '^1\.\.' "$T/tabs.out"
	n=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/tabs.out")
	TAP_FAILED=$((TAP_FAILED + $(grep -c '^not ok ' "$T/tabs.out")))
	[ -n "$n" ] || { n=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $n - tabs.mjs ended without its plan"; }
	TAP_N=$n
else
	diag "no chromium or playwright-core: the eight tabs not opened"
fi

# --- monitoring on the collector ---------------------------------------------
P=http://127.0.0.1:$port_prom/api/v1
targets() {	# the tickfeed targets' host=health, sorted
	curl -s --max-time 5 "$P/targets" | python3 -c '
import json, sys
t = json.load(sys.stdin)["data"]["activeTargets"]
print(" ".join(sorted(a["labels"]["host"] + "=" + a["health"] + ":" + a["scrapeUrl"].split(":")[0]
                      for a in t if a["labels"].get("job") == "tickfeed")))' 2>/dev/null
}
for i in $(seq 60); do
	[ "$(targets)" = "web1=up:https web2=up:https web3=up:https" ] && break
	sleep 1
done
is "$(targets)" "web1=up:https web2=up:https web3=up:https" \
    "Prometheus on the collector scrapes all three web nodes over HTTPS"
rules=$(curl -s --max-time 5 "$P/rules" | grep -o '"name":"Tickfeed[A-Za-z]*"' | sort -u | tr '\n' ' ')
like "$rules" 'TickfeedFeedStale' "its tickfeed rules are loaded ($rules)"
is "$(curl -s --max-time 5 "http://127.0.0.1:$port_am/-/ready")" "OK" "Alertmanager is ready"
like "$(curl -s --max-time 5 "http://127.0.0.1:$port_node/metrics" | grep -c '^node_')" '^[1-9][0-9]*$' \
    "the node exporter serves the collector's metrics"

# --- log shipping -----------------------------------------------------------
coll=$T/logs/var/log/tickfeed-collector
wait_grep() {	# wait_grep FILE REGEX: within two minutes
	local i
	for i in $(seq 120); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 1
	done
	return 1
}
wait_grep "$coll/web1.log" ' web1 tickfeed-fcgi: .*listening on unix:/run/tickfeed/fcgi.sock'
ok $? "the app's start line from web1 reached the collector"
wait_grep "$coll/web1.log" ' web1 nginx-access: 127\.0\.0\.1 .*"GET /api/v1/quotes\?symbols=TFA,TFB HTTP/2\.0" 200 '
ok $? "nginx's access line from web1 reached the collector"
wait_grep "$coll/web2.log" ' web2 apache-access: 127\.0\.0\.1 .*"GET /api/v1/quotes\?symbols=TFC HTTP/2\.0" 200 '
ok $? "Apache's access line from web2 reached the collector"
wait_grep "$coll/web3.log" ' web3 apache-access: 127\.0\.0\.1 .*"GET /api/v1/quotes\?symbols=TFD HTTP/2\.0" 200 '
ok $? "Apache's access line from web3 (mod_fcgid) reached the collector"
wait_grep "$coll/web1.log" ' web1 tickfeed-ingest: .*b\.ndjson'
ok $? "the ingest tool's line about b.ndjson reached the collector"

# The collector goes away; 1,000 lines are written meanwhile.
pidfile=$T/logs/run/tickfeed-collector.pid
stack_kill_pidfile "$pidfile"
kill -0 "$(cat "$pidfile")" 2>/dev/null
is $? 1 "collector stopped"
for i in $(seq 1000); do echo "outage line $i of 1000"; done \
    >>"$T/web1/var/log/tickfeed/fcgi.log"
sleep 3	# not a timing check: lets the shipper queue them while it is down
play "$T/run3.log" --limit logs; rc=$?
r=$(recap "$T/run3.log" logs)
is "$rc/$(count changed "$r")" "0/1" "site.yml started the stopped collector again ($r)"
n=0
for i in $(seq 120); do
	n=$(grep -c ' web1 tickfeed-fcgi: outage line [0-9]* of 1000$' "$coll/web1.log")
	[ "$n" -ge 1000 ] && break
	sleep 1
done
sleep 2		# anything duplicated would follow on the heels of the last line
got=$(grep -o 'outage line [0-9]* of 1000$' "$coll/web1.log" |
    awk '{ print $3 }' | sort -n)
is "$(wc -l <<<"$got" | tr -d ' ')" 1000 "1,000 outage lines arrived"
is "$(uniq -d <<<"$got" | wc -l | tr -d ' ')" 0 "none of them twice"
cmp -s <(echo "$got") <(seq 1000)
ok $? "every number from 1 to 1000 is there"

# Rotation: logrotate copies and truncates the app's log; the shipper
# follows the truncation.
chroot "$T/web1" logrotate -f /etc/logrotate.d/tickfeed
ok $? "logrotate rotates web1's tickfeed logs"
[ -s "$T/web1/var/log/tickfeed/fcgi.log.1" ]
ok $? "the app's log was rotated to fcgi.log.1"
echo "after rotation" >>"$T/web1/var/log/tickfeed/fcgi.log"
wait_grep "$coll/web1.log" ' web1 tickfeed-fcgi: after rotation$'
ok $? "a line written after the rotation reached the collector"

# --- the deployed limits ----------------------------------------------------
# Default 20 requests a second and a burst of 40 (nginx); Apache counts
# 20 x 10 + 40 a window of 10 s.
burst() {	# burst PORT N: the status codes of N requests at once, counted
	local i
	for i in $(seq "$2"); do
		echo "-o /dev/null"
		echo "url = https://tickfeed.test:$1/api/v1/health"
	done | curl -s --max-time 60 --cacert "${ca_of[$1]}" \
	    --resolve "tickfeed.test:$1:127.0.0.1" -K - -w '%{http_code}\n' |
	    sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'
}
like "$(burst "$port_nginx" 80)" '^200:[0-9]+ 429:[0-9]+ $' "web1 (nginx): past its rate a client gets 429s"
is "$(hcurl "$port_nginx" /api/v1/health)" "$(cat www/tickfeed-error/429.json)" \
    "web1: the 429 is the API's JSON error"
like "$(burst "$port_apache" 300)" '^200:[0-9]+ 429:[0-9]+ $' "web2 (Apache, mod_qos): past its rate a client gets 429s"
is "$(hcurl "$port_apache" /api/v1/health)" "$(cat www/tickfeed-error/429.json)" \
    "web2: the 429 is the API's JSON error"

done_testing
