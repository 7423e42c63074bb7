# tests/http/tls_lib.sh: nginx and Apache over TLS with HTTP/2, and with
# the per-client limits, from the conf/ snippets as they are, for
# tests/http/tls.t and tests/http/limits.t.  Source it after
# tests/lib.sh and test_stack.
#
#   tls_ca DIR NAME         a CA of the test's own (DIR/ca.pem) and a
#                           certificate it signed for NAME and 127.0.0.1
#                           (DIR/cert.pem, DIR/key.pem)
#   tls_nginx NAME SITE     nginx in $STACK_DIR/NAME whose http block
#                           includes SITE (a file: server blocks, maps,
#                           zones); pid file kept
#   tls_apache NAME MODE HTTP_PORT HTTPS_PORT [SERVER]
#                           Apache (event MPM) in $STACK_DIR/NAME: the
#                           HTTPS vhost includes tickfeed-tls.conf and
#                           the snippet of MODE (proxy_fcgi or fcgid);
#                           HTTP_PORT redirects to it (none when 0);
#                           SERVER: more server-level lines (limits)
#   tls_curl ARGS...        curl trusting only the test's CA, with
#                           $TLS_NAME resolved to 127.0.0.1
# TLS_DIR, TLS_NAME: set by tls_ca.

TLS_DIR=
TLS_NAME=

tls_ca() {
	TLS_DIR=$1 TLS_NAME=$2
	mkdir -p "$TLS_DIR"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 2 -subj "/CN=tickfeed test CA" -keyout "$TLS_DIR/ca.key" \
	    -out "$TLS_DIR/ca.pem" 2>/dev/null || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj "/CN=$TLS_NAME" -keyout "$TLS_DIR/key.pem" \
	    -out "$TLS_DIR/cert.csr" 2>/dev/null || return 1
	printf 'subjectAltName=DNS:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    "$TLS_NAME" >"$TLS_DIR/ext.cnf"
	openssl x509 -req -in "$TLS_DIR/cert.csr" -CA "$TLS_DIR/ca.pem" \
	    -CAkey "$TLS_DIR/ca.key" -CAcreateserial -days 2 \
	    -extfile "$TLS_DIR/ext.cnf" -out "$TLS_DIR/cert.pem" 2>/dev/null
	chmod 644 "$TLS_DIR/key.pem"	# read by the servers' workers too
}

tls_curl() {
	curl -s --max-time 20 --cacert "$TLS_DIR/ca.pem" \
	    --resolve "$TLS_NAME:${TLS_PORT:-443}:127.0.0.1" "$@"
}

tls_nginx() {
	local d=$STACK_DIR/$1
	mkdir -p "$d/tmp"
	cp /etc/nginx/mime.types "$d/"
	cat >"$d/nginx.conf" <<-CONF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log warn;
	events { worker_connections 4096; }
	http {
	    include mime.types;
	    default_type application/octet-stream;
	    access_log off;
	    client_body_temp_path $d/tmp/body;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    proxy_temp_path $d/tmp/proxy;
	    scgi_temp_path $d/tmp/scgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    include $2;
	}
	CONF
	stack_nginx_run "$d"
}

tls_apache() {
	local name=$1 mode=$2 hport=$3 sport=$4 d snippet
	d=$STACK_DIR/$name
	mkdir -p "$d/run"
	case $mode in
	proxy_fcgi) snippet=tickfeed-proxy-fcgi.conf ;;
	fcgid) snippet=tickfeed-fcgid.conf; mkdir -p "$d/fcgid"
		[ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$d/fcgid" ;;
	*) echo "tls_apache: MODE is proxy_fcgi or fcgid" >&2; return 1 ;;
	esac
	{ stack_apache_common "$d" "$sport" event
	  for m in ssl http2 socache_shmcb setenvif proxy proxy_fcgi fcgid; do
		echo "LoadModule ${m}_module $APACHE_MODULES/mod_$m.so"
	  done
	  echo "Include $ROOT/conf/apache/tickfeed-qos.load"
	  echo "SSLSessionCache shmcb:$d/run/ssl_scache(512000)"
	  echo "FcgidIPCDir $d/fcgid"
	  echo "FcgidProcessTableFile $d/fcgid/shm"
	  printf '%s\n' "${5:-}"
	  echo "Define TICKFEED_SOCKET $STACK_DIR/app.sock"
	  echo "Define TICKFEED_BIN $(dirname "$STACK_APP")"
	  echo "Define TICKFEED_DB ${TICKFEED_DB:-}"
	  echo "Define TICKFEED_WWW $STACK_WWW"
	  echo "Define TICKFEED_TLS_CERT $TLS_DIR/cert.pem"
	  echo "Define TICKFEED_TLS_KEY $TLS_DIR/key.pem"
	  if [ "$hport" != 0 ]; then
		echo "Listen 127.0.0.1:$hport"
		echo "<VirtualHost 127.0.0.1:$hport>"
		echo "    ServerName $TLS_NAME"
		echo "    Redirect permanent / https://$TLS_NAME:$sport/"
		echo "</VirtualHost>"
	  fi
	  echo "<VirtualHost 127.0.0.1:$sport>"
	  echo "    ServerName $TLS_NAME"
	  echo "    Include $ROOT/conf/apache/tickfeed-tls.conf"
	  echo "    Include $ROOT/conf/apache/$snippet"
	  echo "</VirtualHost>"; } >"$d/httpd.conf"
	apache2 -f "$d/httpd.conf" -k start || { cat "$d/error.log" >&2; return 1; }
	STACK_PIDFILES+=("$d/httpd.pid")
	stack_wait_for test -s "$d/httpd.pid"
}
