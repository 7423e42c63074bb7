# tests/fleet/fleet.sh: a tickfeed fleet on this one machine, for
# tests/fleet/*.t.  Source it after tests/lib.sh.  Each "host" is a
# directory $FLEET_DIR/HOST/ (its configuration, store, logs, sockets and
# pid files) and an address of its own in 127.0.0.0/8:
#
#   origin1 127.0.1.1    redis1 127.0.1.2    redis2 127.0.1.3
#   edge1   127.0.1.11   edge2  127.0.1.12   edge3  127.0.1.13
#   lb1     127.0.1.20   (clients connect from 127.0.1.40 and 127.0.2.1 up)
#
# The configuration is what the roles write (tests/fleet/render.yml with
# tests/fleet/onebox.yml); the daemons start with the command lines the
# roles define (each host's daemons.json), as start-stop-daemon runs
# them on a host without systemd.  Everything is stopped by pid at the end.
#
#   fleet_setup                 ports, inventory, `make install` into the prefix
#   fleet_render [ARGS...]      runs render.yml (its log: $FLEET_DIR/render-N.log)
#   fleet_start HOST NAME       starts daemon NAME of HOST's daemons.json
#   fleet_nginx HOST            starts HOST's nginx with the site the role wrote
#   fleet_pid HOST NAME         the pid in that daemon's pid file (or nginx's)
#   fleet_kill9 HOST NAME...    SIGKILL to those daemons of HOST, at once
#   fleet_stop HOST NAME        stops one daemon; fleet_stop_all: every one
#   fleet_lb_state SERVER       HAProxy's status of an edge (UP, DOWN)
#   fleet_master                the Redis master's address, as Sentinel says

FLEET_DIR=${FLEET_DIR:-}
FLEET_HOSTS=(origin1 redis1 redis2 edge1 edge2 edge3 lb1)
FLEET_EDGES=(edge1 edge2 edge3)
declare -A FLEET_ADDR=([origin1]=127.0.1.1 [redis1]=127.0.1.2
    [redis2]=127.0.1.3 [edge1]=127.0.1.11 [edge2]=127.0.1.12
    [edge3]=127.0.1.13 [lb1]=127.0.1.20)
FLEET_RENDERS=0

# fleet_ports N: N ports free on every fleet address (one number each,
# used by every host for that service).
fleet_ports() {
	python3 - "$1" "${FLEET_ADDR[@]}" <<-'EOF'
	import random, socket, sys
	n, addrs, found = int(sys.argv[1]), sys.argv[2:], []
	while len(found) < n:
	    p = random.randint(20000, 60000)
	    try:
	        socks = []
	        for a in addrs:
	            s = socket.socket()
	            socks.append(s)
	            s.bind((a, p))
	        found.append(p)
	    except OSError:
	        pass
	    for s in socks:
	        s.close()
	print(" ".join(map(str, found)))
	EOF
}

fleet_setup() {
	read -r FLEET_HTTP_PORT FLEET_REDIS_PORT FLEET_SENTINEL_PORT \
	    FLEET_LB_PORT <<<"$(fleet_ports 4)"
	make -s -C "$ROOT" BUILD="$BUILD" install PREFIX="$FLEET_DIR/prefix" \
	    >"$FLEET_DIR/install.log" 2>&1 || return 1
	ln -s "$ROOT/ansible/group_vars" "$FLEET_DIR/group_vars"
	{
		echo "[origin]"; echo "origin1 fleet_address=${FLEET_ADDR[origin1]} ingest_follow=path"
		echo "[redis]"
		echo "redis1 fleet_address=${FLEET_ADDR[redis1]}"
		echo "redis2 fleet_address=${FLEET_ADDR[redis2]}"
		echo "[edge]"
		for h in "${FLEET_EDGES[@]}"; do echo "$h fleet_address=${FLEET_ADDR[$h]}"; done
		echo "[lb]"; echo "lb1 fleet_address=${FLEET_ADDR[lb1]}"
		printf '[fleet:children]\norigin\nredis\nedge\nlb\n'
		echo "[all:vars]"
		echo "ansible_connection=local"
		echo "ansible_python_interpreter=/usr/bin/python3"
		echo "fleet_test_dir=$FLEET_DIR"
	} >"$FLEET_DIR/inventory.ini"
	cat >"$FLEET_DIR/ports.yml" <<-EOF
	tickfeed_http_port: $FLEET_HTTP_PORT
	redis_port: $FLEET_REDIS_PORT
	sentinel_port: $FLEET_SENTINEL_PORT
	haproxy_port: $FLEET_LB_PORT
	EOF
}

# fleet_render [ARGS...]: render.yml over the fleet; its exit code.
fleet_render() {
	FLEET_RENDERS=$((FLEET_RENDERS + 1))
	FLEET_RENDER_LOG=$FLEET_DIR/render-$FLEET_RENDERS.log
	ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
	ANSIBLE_LOCAL_TEMP=$FLEET_DIR/ansible-tmp \
	ANSIBLE_ROLES_PATH=$ROOT/ansible/roles ANSIBLE_RETRY_FILES_ENABLED=0 \
	    ansible-playbook -i "$FLEET_DIR/inventory.ini" \
	    -e "@$ROOT/tests/fleet/onebox.yml" -e "@$FLEET_DIR/ports.yml" \
	    "$@" "$ROOT/tests/fleet/render.yml" >"$FLEET_RENDER_LOG" 2>&1
}

# fleet_recap HOST: the PLAY RECAP counters of HOST in the last render.
fleet_recap() {
	sed -n "s/^$1 *: \(ok=.*\)/\1/p" "$FLEET_RENDER_LOG" | tr -s ' ' |
	    sed 's/ *$//'
}

# fleet_daemon_argv HOST NAME: the command daemon/tasks/start.yml runs
# for it, NUL-separated, with its environment in front (env K=V ...).
fleet_daemon_argv() {
	python3 - "$FLEET_DIR/$1/daemons.json" "$2" <<-'EOF'
	import json, sys
	d = json.load(open(sys.argv[1]))[sys.argv[2]]
	a = ["env"] + ["%s=%s" % kv for kv in sorted(d.get("env", {}).items())]
	a += ["start-stop-daemon", "--start", "--quiet",
	      "--pidfile", d["pidfile"], "--exec", d["exec"]]
	if "startas" in d:
	    a += ["--startas", d["startas"]]
	if d.get("background"):
	    a += ["--background", "--make-pidfile"]
	if "user" in d:
	    a += ["--chuid", d["user"] + ":" + d["group"]]
	if "umask" in d:
	    a += ["--umask", d["umask"]]
	if "output" in d:
	    a += ["--output", d["output"]]
	a += ["--"] + [str(x) for x in d.get("args", [])]
	sys.stdout.write("\0".join(a) + "\0")
	EOF
}

fleet_pidfile() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["pidfile"])' \
	    "$FLEET_DIR/$1/daemons.json" "$2"
}

fleet_start() {
	local -a cmd
	mapfile -d '' cmd < <(fleet_daemon_argv "$1" "$2")
	"${cmd[@]}"
}

fleet_pid() {
	local f
	if [ "$2" = nginx ]; then f=$FLEET_DIR/$1/run/nginx.pid
	else f=$(fleet_pidfile "$1" "$2"); fi
	cat "$f" 2>/dev/null
}

# fleet_nginx HOST: nginx on HOST's address, the site the nginx role's
# template wrote for it, in a main configuration like Debian's (its own
# pid file and paths; workers as root, as the app and its socket here).
fleet_nginx() {
	local d=$FLEET_DIR/$1
	if [ ! -f "$d/etc/nginx/nginx.conf" ]; then
		mkdir -p "$d/tmp"
		cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$d/etc/nginx/"
		cat >"$d/etc/nginx/nginx.conf" <<-EOF
		user root root;
		worker_processes 1;
		worker_rlimit_nofile 10000;
		pid $d/run/nginx.pid;
		error_log $d/var/log/nginx/error.log warn;
		events { worker_connections 4096; }
		http {
		    include mime.types;
		    default_type application/octet-stream;
		    client_body_temp_path $d/tmp/body;
		    fastcgi_temp_path $d/tmp/fastcgi;
		    proxy_temp_path $d/tmp/proxy;
		    scgi_temp_path $d/tmp/scgi;
		    uwsgi_temp_path $d/tmp/uwsgi;
		    include $d/etc/nginx/sites-enabled/tickfeed;
		}
		EOF
	fi
	nginx -p "$d" -c "$d/etc/nginx/nginx.conf" -e "$d/var/log/nginx/error.log"
}

# fleet_kill9 HOST NAME...: SIGKILL to those daemons of HOST (nginx: its
# master and workers), at once.
fleet_kill9() {
	local h=$1 n pid pids=()
	shift
	for n in "$@"; do
		pid=$(fleet_pid "$h" "$n")
		[[ $pid =~ ^[0-9]+$ ]] || continue
		pids+=("$pid")
		[ "$n" = nginx ] && pids+=($(ps -o pid= --ppid "$pid"))
	done
	[ ${#pids[@]} -gt 0 ] && kill -9 "${pids[@]}"
}

# fleet_alive PID...: 0 when every one of them runs.  A zombie does not:
# daemons started in the background belong to pid 1, which may not reap.
fleet_alive() {
	local p st
	for p in "$@"; do
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] || return 1
	done
}

# fleet_stop_all: every process named by a pid file under FLEET_DIR (its
# nginx workers follow their master), by pid: TERM, then KILL after 10 s.
fleet_stop_all() {
	local f p pids=() i
	[ -n "$FLEET_DIR" ] || return 0
	while read -r f; do
		p=$(cat "$f" 2>/dev/null)
		[[ $p =~ ^[0-9]+$ ]] && fleet_alive "$p" && pids+=("$p")
	done < <(find "$FLEET_DIR" -name '*.pid' -path '*/run/*' 2>/dev/null)
	[ ${#pids[@]} -gt 0 ] || return 0
	kill -CONT "${pids[@]}" 2>/dev/null
	kill "${pids[@]}" 2>/dev/null
	for i in $(seq 100); do
		for p in "${pids[@]}"; do fleet_alive "$p" && break; done
		fleet_alive "$p" || return 0
		sleep 0.1
	done
	kill -9 "${pids[@]}" 2>/dev/null
}

# fleet_stop HOST NAME: that daemon stopped (TERM, KILL after 10 s).
fleet_stop() {
	local p i
	p=$(fleet_pid "$1" "$2")
	[[ $p =~ ^[0-9]+$ ]] || return 0
	kill "$p" 2>/dev/null
	for i in $(seq 100); do
		fleet_alive "$p" || return 0
		sleep 0.1
	done
	kill -9 "$p" 2>/dev/null
}

# fleet_keep_logs DIR: every log of the run copied to DIR (for CI).
fleet_keep_logs() {
	rm -rf "$1" && mkdir -p "$1" || return 1
	(cd "$FLEET_DIR" && find . -name '*.log' -o -name '*.out' -o \
	    -name '*.err' -o -name '*.cfg' -o -name '*.conf' -o -name '*.ini' |
	    grep -v '^./prefix/' | tar -cf - -T -) | tar -xf - -C "$1"
}

# fleet_lb_state SERVER: HAProxy's status of that server (UP, DOWN, ...).
fleet_lb_state() {
	python3 - "$FLEET_DIR/lb1/run/haproxy/admin.sock" "$1" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	s.sendall(b"show stat\n")
	data = b""
	while True:
	    chunk = s.recv(65536)
	    if not chunk:
	        break
	    data += chunk
	for line in data.decode().splitlines():
	    f = line.split(",")
	    if len(f) > 17 and f[0] == "tickfeed_edges" and f[1] == sys.argv[2]:
	        print(f[17].split(" ")[0])
	EOF
}

# fleet_master: the Redis master as the origin's Sentinel knows it, ADDR.
fleet_master() {
	redis-cli -h "${FLEET_ADDR[origin1]}" -p "$FLEET_SENTINEL_PORT" --raw \
	    SENTINEL get-master-addr-by-name tickfeed 2>/dev/null | head -1
}

# fleet_host_of ADDR: the fleet host with that address.
fleet_host_of() {
	local h
	for h in "${FLEET_HOSTS[@]}"; do
		[ "${FLEET_ADDR[$h]}" = "$1" ] && echo "$h"
	done
}

# fleet_head DB: the store's newest tick id.
fleet_head() {
	sqlite3 "file:$1?mode=ro" 'SELECT coalesce(max(id), 0) FROM ticks' 2>/dev/null
}

# fleet_hash DB TABLE: a hash of the table's rows in key order, every
# column (the candles' notional, the settings' zone).
fleet_hash() {
	local order
	case $2 in
	ticks) order=id ;;
	symbols) order=id ;;
	candles) order="symbol_id, iv, t" ;;
	settings) order=key ;;
	esac
	sqlite3 "file:$1?mode=ro" "SELECT * FROM $2 ORDER BY $order" |
	    sha256sum | cut -c1-16
}
