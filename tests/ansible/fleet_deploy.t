#!/bin/bash
# ansible/site.yml for a fleet, for real: six fresh Debian 12 roots made
# by debootstrap, each a host of its own with an address of its own in
# 127.0.1.0/24 (origin1 .1, redis1 .2, redis2 .3, edge1 .11, edge2 .12,
# lb1 .20), driven by the community.general.chroot connection, twice (the
# second run changes nothing).  Then: Sentinel knows the master and its
# replica; the edges started from a snapshot of the origin's store and
# run replicate; a tick appended to the origin's followed file reaches
# both edges and comes back through HAProxy over HTTPS (HTTP/2, its
# plain port a 301); the edges answer in plain HTTP; the units the roles wrote
# pass systemd-analyze; Redis, Sentinel and HAProxy run as their users.
#
# As in deploy.t (whose way this follows): the roots share this machine's
# network and pid space, every process started in them is stopped at the
# end by its pid file or its root directory, /proc is mounted in each
# root inside a private mount namespace.  Needs root and a Debian mirror
# (TICKFEED_DEBIAN_MIRROR).  Log shipping is deploy.t's and is off here.
if [ -z "${TICKFEED_DEPLOY_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
    command -v unshare >/dev/null; then
	export TICKFEED_DEPLOY_NS=1
	exec unshare --mount --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ansible/chroot.sh"
cd "$ROOT" || exit 1
[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, chroot)"
[ -n "${TICKFEED_DEPLOY_NS:-}" ] || skip_all "needs unshare for a private mount namespace"
for tool in debootstrap ansible-playbook curl chroot redis-cli; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done
[ -f www/vendor/lightweight-charts.standalone.production.js ] ||
    skip_all "run make first (www/vendor)"

export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_LOCAL_TEMP=$TEST_TMP/ansible-tmp
export ANSIBLE_CONFIG=$ROOT/ansible/ansible.cfg ANSIBLE_HOST_KEY_CHECKING=0
T=$TEST_TMP
HOSTS=(origin1 redis1 redis2 edge1 edge2 lb1)
declare -A ADDR=([origin1]=127.0.1.1 [redis1]=127.0.1.2 [redis2]=127.0.1.3
    [edge1]=127.0.1.11 [edge2]=127.0.1.12 [lb1]=127.0.1.20)
cleanup() {
	local h
	for h in "${HOSTS[@]}"; do chroot_stop_root "$T/$h"; done
	if grep -q " $T/" /proc/self/mounts; then
		diag "still mounted below $T: not removing it"
		TEST_TMP=/nonexistent
	fi
}
on_exit cleanup

# --- six fresh roots ------------------------------------------------------
chroot_roots "$T" "${HOSTS[@]}"
is $? 0 "debootstrap made a Debian 12 root, copied for ${HOSTS[*]}"
[ -d "$T/lb1/proc/1" ] || { done_testing; exit 1; }
chroot_snapshot_src "$T/src"

# Ports free on every address (each service binds its host's only).
read -r HTTP REDIS SENTINEL LBPORT LBS < <(python3 - "${ADDR[@]}" <<'EOF'
import random, socket, sys
found = []
while len(found) < 5:
    p = random.randint(20000, 60000)
    try:
        socks = [socket.socket() for _ in sys.argv[1:]]
        for s, a in zip(socks, sys.argv[1:]):
            s.bind((a, p))
        found.append(p)
    except OSError:
        pass
    for s in socks:
        s.close()
print(*found)
EOF
)
{
	echo "[origin]"
	echo "origin1 ansible_host=$T/origin1 fleet_address=${ADDR[origin1]} ingest_follow=path"
	echo "[redis]"
	for h in redis1 redis2; do echo "$h ansible_host=$T/$h fleet_address=${ADDR[$h]}"; done
	echo "[edge]"
	for h in edge1 edge2; do
		echo "$h ansible_host=$T/$h fleet_address=${ADDR[$h]} tickfeed_http_address=${ADDR[$h]}"
	done
	echo "[lb]"
	echo "lb1 ansible_host=$T/lb1 fleet_address=${ADDR[lb1]}"
	printf '[fleet:children]\norigin\nredis\nedge\nlb\n'
	printf '[all:vars]\nansible_connection=community.general.chroot\n'
} >"$T/inventory.ini"
# This machine's descriptor limit is below what HAProxy's default
# maxconn needs (2 x 50,000; systemd gives a service that many).
cat >"$T/vars.json" <<EOF
{"tickfeed_src_dir": "$T/src",
 "tickfeed_src_archive": "$T/tickfeed-src.tar",
 "logship_enabled": false,
 "tickfeed_http_port": $HTTP, "redis_port": $REDIS,
 "sentinel_port": $SENTINEL, "haproxy_port": $LBPORT,
 "haproxy_https_port": $LBS,
 "haproxy_maxconn": 4000}
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
	grep -E '^(fatal|failed):' "$T/run1.log" | cut -c1-600 | sed 's/^/# /'
	tail -12 "$T/run1.log" | sed 's/^/# /'
	done_testing; exit 1
fi
for h in "${HOSTS[@]}"; do
	r=$(chroot_recap "$T/run1.log" "$h")
	like "$r" "^ok=[0-9]+ changed=[1-9][0-9]* unreachable=0 failed=0" \
	    "run 1 provisioned $h ($r)"
done
play "$T/run2.log"; rc=$?
is "$rc" 0 "second run of site.yml succeeds"
for h in "${HOSTS[@]}"; do
	r=$(chroot_recap "$T/run2.log" "$h")
	is "$(chroot_count changed "$r")/$(chroot_count failed "$r")" "0/0" \
	    "run 2 changed nothing on $h ($r)"
done
grep -B3 -E '^changed:' "$T/run2.log" | head -30 | sed 's/^/# /'

# --- what runs, and as whom ------------------------------------------------------
user_of() {	# user_of ROOT PIDFILE: its user, by the root's own names
	local pid uid
	pid=$(cat "$1$2" 2>/dev/null) || return 1
	uid=$(ps -o uid= -p "$pid" | tr -d ' ')
	chroot "$1" getent passwd "$uid" | cut -d: -f1
}
for h in redis1 redis2; do
	is "$(user_of "$T/$h" /run/redis/redis-server.pid)" redis "$h: Redis runs as redis"
done
for h in origin1 redis1 redis2; do
	is "$(user_of "$T/$h" /run/sentinel/redis-sentinel.pid)" redis "$h: Sentinel runs as redis"
done
hap=$(cat "$T/lb1/run/haproxy.pid" 2>/dev/null)
is "$(ps -o uid= --ppid "${hap:-0}" | tr -d ' ' | sort -u)" \
    "$(chroot "$T/lb1" id -u haproxy)" "HAProxy's worker runs as haproxy"
is "$(redis-cli -h "${ADDR[origin1]}" -p "$SENTINEL" --raw SENTINEL \
    get-master-addr-by-name tickfeed | head -1)" "${ADDR[redis1]}" \
    "the origin's Sentinel names redis1 the master"
is "$(redis-cli -h "${ADDR[redis2]}" -p "$REDIS" role | head -1)" slave \
    "redis2 is its replica"
for h in edge1 edge2; do
	is "$(user_of "$T/$h" /run/tickfeed/replicate.pid)" tickfeed-ingest \
	    "$h: replicate runs as the ingest user"
	is "$(chroot "$T/$h" stat -c '%U:%G %a' /var/lib/tickfeed/ticks.db)" \
	    "tickfeed-ingest:tickfeed 660" "$h: its store is the ingest user's"
done
is "$(user_of "$T/origin1" /run/tickfeed/publish.pid)" tickfeed-web \
    "origin1: publish runs as the read-only web user"
if command -v systemd-analyze >/dev/null; then
	for u in origin1/tickfeed-publish edge1/tickfeed-replicate; do
		n=${u#*/}.service
		sed 's|^ExecStart=[^ ]*|ExecStart=/bin/true|' \
		    "$T/${u%/*}/etc/systemd/system/$n" >"$T/$n"
		out=$(systemd-analyze verify "$T/$n" 2>&1); rc=$?
		is "$rc:$out" "0:" "systemd-analyze verify $u.service is clean"
	done
fi
grep -qx 'Environment="TICKFEED_MAX_LAG_MS=5000"' \
    "$T/edge1/etc/systemd/system/tickfeed-fcgi.service"
ok $? "the edge's app has its lag limit"

# --- TLS at HAProxy, plain HTTP on the edges --------------------------------------------
# The tls role made a self-signed certificate for localhost on lb1.
CA=$T/lb1/etc/ssl/tickfeed/fullchain.pem
lbcurl() { curl -s --max-time 5 --resolve "localhost:$LBS:${ADDR[lb1]}" --cacert "$CA" "$@"; }
LB=https://localhost:$LBS
is "$(stat -c '%U %a' "$T/lb1/etc/haproxy/tickfeed.pem" 2>&1)" "root 600" \
    "HAProxy's certificate and key in one file, root's alone"
is "$(lbcurl -o /dev/null -w '%{http_code} %{http_version}' "$LB/api/v1/health")" "200 2" \
    "HTTPS through HAProxy, verified against the certificate, over HTTP/2"
is "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
    "http://${ADDR[lb1]}:$LBPORT/api/v1/quotes?symbols=TFA")" \
    "301 https://localhost:$LBS/api/v1/quotes?symbols=TFA" \
    "plain HTTP at HAProxy: a 301 to HTTPS, path and query kept"
for h in edge1 edge2; do
	is "$(curl -s -o /dev/null -w '%{http_code}' "http://${ADDR[$h]}:$HTTP/api/v1/health")" 200 \
	    "$h answers HAProxy in plain HTTP (no redirect for its checks)"
	grep -qx "    set_real_ip_from ${ADDR[lb1]};" "$T/$h/etc/nginx/sites-available/tickfeed"
	ok $? "$h's nginx takes the client from HAProxy's X-Forwarded-For"
done

# --- a tick from the origin's feed to the clients ------------------------------------
printf 'symbol,ts,price,size\nTFA,1795858200000,101.23,100\nTFB,1795858200500,7.5,10\n' \
    >>"$T/origin1/var/log/feed/ticks.csv"
want='{"cursor":2,"quotes":[{"symbol":"TFA","id":1,"ts":1795858200000,"price":101.23,"size":100},{"symbol":"TFB","id":2,"ts":1795858200500,"price":7.5,"size":10}]}'
quotes_are() { [ "$(lbcurl "$1/api/v1/quotes?symbols=TFA,TFB")" = "$want" ]; }
for h in edge1 edge2; do
	STACK_WAIT_S=60 stack_wait_for quotes_are "http://${ADDR[$h]}:$HTTP"
	ok $? "$h has the ticks appended to the origin's feed"
done
STACK_WAIT_S=30 stack_wait_for quotes_are "$LB"
ok $? "and they come through HAProxy"
like "$(lbcurl "$LB/api/v1/health")" '^\{"status":"ok",.*"replica":' \
    "HAProxy's health answer is an edge's"
is "$(lbcurl -o /dev/null -w '%{http_code}' "$LB/api/v1/nope")" 404 \
    "an unknown path through HAProxy is the app's 404"
done_testing
