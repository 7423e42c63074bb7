# tools/stack.sh: tickfeed's web stack on loopback, for tests, benchmarks
# and the demo.  Source it (bash), then:
#
#   stack_start_app DB [ARGS...]    the app on $STACK_DIR/app.sock (FastCGI),
#                                   extra ARGS go to tickfeed.fcgi
#   stack_start_nginx [PORT]        nginx with conf/nginx/tickfeed-locations.conf
#                                   in front of that socket; sets STACK_URL
#   stack_start_apache MODE DB [PORT]
#                                   Apache with the conf/apache/ snippet for
#                                   MODE: proxy_fcgi (to the app's socket),
#                                   fcgid (Apache spawns the app) or cgi
#                                   (.htaccess, one process per request)
#   stack_stop                      stops everything started here, by pid file
#
# Call them directly, not in $(...): they record pid files in this shell.
#
# Everything lives in STACK_DIR (default: a new temp dir): generated
# configs, sockets, logs, pid files.  Ports are free ones on 127.0.0.1
# unless given.  The top-level configs are generated; the conf/ snippets
# are included as they are, parametrised the way an admin would (an
# upstream block for nginx, Define for Apache, .htaccess for mod_cgi).
# Environment passed to the app: TICKFEED_NOW, TICKFEED_THREADS,
# TICKFEED_CORS_ORIGIN, TICKFEED_KEYS when set.  STACK_NGINX_WORKERS (default 1),
# STACK_NGINX_CONNECTIONS, STACK_NGINX_LISTEN, STACK_NGINX_KEEPALIVE (the
# upstream's idle connections, default 1024); STACK_APACHE_DEFLATE=0:
# Apache without mod_deflate and mod_filter; STACK_NGINX_EXTRA: more
# directives for the server block (benchmarks); STACK_APACHE_EXTRA: more
# directives for Apache's server config (an access log).  stack_nginx_conf and
# stack_nginx_run start any other nginx the same way (bench/push.sh:
# Nchan).

STACK_ROOT=${STACK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
STACK_BUILD=${BUILD:-build}
case $STACK_BUILD in /*) ;; *) STACK_BUILD=$STACK_ROOT/$STACK_BUILD ;; esac
STACK_APP=${STACK_APP:-$STACK_BUILD/bin/tickfeed.fcgi}
STACK_WWW=${STACK_WWW:-$STACK_ROOT/www}
STACK_DIR=${STACK_DIR:-}
STACK_URL=
STACK_PIDFILES=()
APACHE_MODULES=/usr/lib/apache2/modules

stack_dir() {
	if [ -z "$STACK_DIR" ]; then
		STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-stack.XXXXXX")
	fi
	mkdir -p "$STACK_DIR"
	chmod 755 "$STACK_DIR"	# Apache and nginx workers run as nobody
}

stack_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# stack_wait_for CMD...: retries CMD every 0.1 s for up to STACK_WAIT_S
# seconds (default 10): a bound, not an assertion.
stack_wait_for() {
	local i
	for i in $(seq $((${STACK_WAIT_S:-10} * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "stack: timed out waiting for: $*" >&2
	return 1
}

stack_kill_pidfile() {
	local f=$1 pid i
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}

stack_start_app() {
	local db=$1; shift
	stack_dir
	rm -f "$STACK_DIR/app.sock"
	"$STACK_APP" -d "$db" -l "unix:$STACK_DIR/app.sock" -m 0666 "$@" \
	    >>"$STACK_DIR/app.log" 2>&1 &
	echo $! >"$STACK_DIR/app.pid"
	STACK_PIDFILES+=("$STACK_DIR/app.pid")
	stack_wait_for test -S "$STACK_DIR/app.sock"
}

# stack_nginx_conf DIR PORT HTTP SERVER [MAIN]: writes DIR/nginx.conf, an
# nginx on 127.0.0.1:PORT with HTTP inside http { } and SERVER inside its
# server { } (MAIN at the top level: load_module).  Sized by
# STACK_NGINX_WORKERS (default 1) and STACK_NGINX_CONNECTIONS (per
# worker, default 4096; more also raises the workers' descriptor limit);
# STACK_NGINX_LISTEN: more listen parameters (backlog=, reuseport).
stack_nginx_conf() {
	local d=$1 port=$2 conns=${STACK_NGINX_CONNECTIONS:-4096} nofile=
	[ -n "${STACK_NGINX_CONNECTIONS:-}" ] &&
	    nofile="worker_rlimit_nofile $((conns + 100));"
	mkdir -p "$d/tmp"
	cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$d/"
	cat >"$d/nginx.conf" <<-CONF
	worker_processes ${STACK_NGINX_WORKERS:-1};
	$nofile
	pid $d/nginx.pid;
	error_log $d/error.log warn;
	${5:-}
	events { worker_connections $conns; }
	http {
	    include mime.types;
	    default_type application/octet-stream;
	    access_log off;
	    client_body_temp_path $d/tmp/body;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    proxy_temp_path $d/tmp/proxy;
	    scgi_temp_path $d/tmp/scgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    $3
	    server {
	        listen 127.0.0.1:$port ${STACK_NGINX_LISTEN:-};
	        $4
	    }
	}
	CONF
}

# stack_nginx_run DIR: starts the nginx of DIR/nginx.conf (pid file kept).
stack_nginx_run() {
	nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" || return 1
	STACK_PIDFILES+=("$1/nginx.pid")
	stack_wait_for test -s "$1/nginx.pid"
}

stack_start_nginx() {
	local port=${1:-$(stack_free_port)} d
	stack_dir
	d=$STACK_DIR/nginx
	stack_nginx_conf "$d" "$port" "upstream tickfeed_app {
	        server unix:$STACK_DIR/app.sock;
	        keepalive ${STACK_NGINX_KEEPALIVE:-1024};
	    }" "root $STACK_WWW;
	        include $STACK_ROOT/conf/nginx/tickfeed-locations.conf;
	        ${STACK_NGINX_EXTRA:-}"
	stack_nginx_run "$d" || return 1
	STACK_URL=http://127.0.0.1:$port
	stack_wait_for curl -s -o /dev/null "$STACK_URL/"
	echo "$STACK_URL"
}

# The parts of an Apache config every MODE shares.
stack_apache_common() {
	local d=$1 port=$2 mpm=$3
	cat <<-CONF
	ServerRoot $d
	ServerName 127.0.0.1
	Listen 127.0.0.1:$port
	PidFile $d/httpd.pid
	ErrorLog $d/error.log
	LogLevel warn
	DefaultRuntimeDir $d/run
	Mutex file:$d/run default
	LoadModule mpm_${mpm}_module $APACHE_MODULES/mod_mpm_${mpm}.so
	LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
	LoadModule mime_module $APACHE_MODULES/mod_mime.so
	LoadModule dir_module $APACHE_MODULES/mod_dir.so
	LoadModule alias_module $APACHE_MODULES/mod_alias.so
	LoadModule env_module $APACHE_MODULES/mod_env.so
	LoadModule headers_module $APACHE_MODULES/mod_headers.so
	TypesConfig /etc/mime.types
	${STACK_APACHE_EXTRA:-}
	CONF
	# Compression as Debian enables it; STACK_APACHE_DEFLATE=0: a host without.
	if [ "${STACK_APACHE_DEFLATE:-1}" != 0 ]; then
		echo "LoadModule filter_module $APACHE_MODULES/mod_filter.so"
		echo "LoadModule deflate_module $APACHE_MODULES/mod_deflate.so"
	fi
	if [ "$(id -u)" -eq 0 ]; then
		printf 'User nobody\nGroup nogroup\n'
	fi
}

# SetEnv / FcgidInitialEnv lines for the app's environment.
stack_app_env() {
	local directive=$1 v
	for v in TICKFEED_NOW TICKFEED_THREADS TICKFEED_CORS_ORIGIN TICKFEED_KEYS; do
		[ -n "${!v:-}" ] && echo "$directive $v \"${!v}\""
	done
	return 0
}

stack_start_apache() {
	local mode=$1 db=$2 port=${3:-$(stack_free_port)} d conf override
	stack_dir
	d=$STACK_DIR/apache-$mode
	mkdir -p "$d/run"
	conf=$d/httpd.conf
	case $mode in
	proxy_fcgi)
		{ stack_apache_common "$d" "$port" event
		  echo "LoadModule proxy_module $APACHE_MODULES/mod_proxy.so"
		  echo "LoadModule proxy_fcgi_module $APACHE_MODULES/mod_proxy_fcgi.so"
		  echo "LoadModule asis_module $APACHE_MODULES/mod_asis.so"
		  echo "Define TICKFEED_SOCKET $STACK_DIR/app.sock"
		  echo "Define TICKFEED_WWW $STACK_WWW"
		  echo "<VirtualHost 127.0.0.1:$port>"
		  echo "Include $STACK_ROOT/conf/apache/tickfeed-proxy-fcgi.conf"
		  echo "</VirtualHost>"; } >"$conf" ;;
	fcgid)
		mkdir -p "$d/fcgid"
		[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$d/fcgid"
		{ stack_apache_common "$d" "$port" event
		  echo "LoadModule fcgid_module $APACHE_MODULES/mod_fcgid.so"
		  echo "FcgidIPCDir $d/fcgid"
		  echo "FcgidProcessTableFile $d/fcgid/shm"
		  echo "Define TICKFEED_BIN $(dirname "$STACK_APP")"
		  echo "Define TICKFEED_DB $db"
		  echo "Define TICKFEED_WWW $STACK_WWW"
		  stack_app_env FcgidInitialEnv
		  echo "<VirtualHost 127.0.0.1:$port>"
		  echo "Include $STACK_ROOT/conf/apache/tickfeed-fcgid.conf"
		  echo "</VirtualHost>"; } >"$conf" ;;
	cgi)
		# A shared-hosting web directory: the page, the program and
		# the .htaccess from conf/, side by side, under exactly the
		# AllowOverride that file says the host must allow.
		override=$(sed -n 's/^#[[:space:]]*\(AllowOverride .*\)$/\1/p' \
		    "$STACK_ROOT/conf/apache/htaccess")
		[ -n "$override" ] || { echo "stack: no AllowOverride line" \
		    "in conf/apache/htaccess" >&2; return 1; }
		mkdir -p "$d/htdocs"
		cp -R "$STACK_WWW/." "$d/htdocs/"
		cp "$STACK_APP" "$d/htdocs/tickfeed.fcgi"
		cp "$STACK_ROOT/conf/apache/htaccess" "$d/htdocs/.htaccess"
		{ stack_apache_common "$d" "$port" prefork
		  echo "LoadModule cgi_module $APACHE_MODULES/mod_cgi.so"
		  echo "LoadModule rewrite_module $APACHE_MODULES/mod_rewrite.so"
		  echo "SetEnv TICKFEED_DB \"$db\""
		  stack_app_env SetEnv
		  echo "DocumentRoot $d/htdocs"
		  echo "<Directory $d/htdocs>"
		  echo "    $override"
		  echo "    Require all granted"
		  echo "</Directory>"; } >"$conf" ;;
	*)
		echo "stack_start_apache: mode must be proxy_fcgi, fcgid or cgi" >&2
		return 1 ;;
	esac
	apache2 -f "$conf" -k start || { cat "$d/error.log" >&2; return 1; }
	STACK_PIDFILES+=("$d/httpd.pid")
	stack_wait_for test -s "$d/httpd.pid"
	STACK_URL=http://127.0.0.1:$port
	stack_wait_for curl -s -o /dev/null "$STACK_URL/"
	echo "$STACK_URL"
}

stack_stop() {
	local i
	for ((i = ${#STACK_PIDFILES[@]} - 1; i >= 0; i--)); do
		stack_kill_pidfile "${STACK_PIDFILES[$i]}"
	done
	STACK_PIDFILES=()
}
