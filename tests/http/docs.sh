# tests/http/docs.sh: nginx and Apache configured as docs/nginx.md and
# docs/apache.md tell an admin to, for tests/http/docs_configs.t.  Source
# it after tests/lib.sh.
#
# The docs mark each block a test takes with a comment on the line before
# its fence:  <!-- docs_configs.t: NAME -->.  A block is used as written,
# with only what an admin of this machine would change: the file system
# moved under DOCS_ROOT (everything under /usr/local, /run/tickfeed,
# /var/lib/tickfeed and /home/you), the port (80 -> 127.0.0.1:PORT), and
# the users docs/deploy.md creates mapped to ones that exist here
# (tickfeed-web -> nobody, group tickfeed -> www-data, so that www-data
# is "in the tickfeed group" as mod_fcgid needs).  The top-level configs
# are Debian's in miniature: www-data workers, Debian's default Apache
# modules with their Debian .conf files, <Directory /> denied.
#
#   docs_block FILE NAME      the marked block of FILE (relative to ROOT)
#   docs_local PORT           stdin -> stdout with the changes above
#   docs_install              make install PREFIX=$DOCS_ROOT/usr/local,
#                             the directories of docs/deploy.md section 2
#   docs_nginx NAME SITE      nginx in $TEST_TMP/NAME with SITE (a file)
#                             as its only site; sets DOCS_PORT first
#   docs_apache NAME MPM VHOST
#                             Apache in $TEST_TMP/NAME, MPM event or
#                             prefork, Debian's default modules plus
#                             those of VHOST's "a2enmod" comment, then
#                             VHOST (a file)
# Every server is stopped on exit by its pid file.

DOCS_ROOT=$TEST_TMP/root
DOCS_PREFIX=$DOCS_ROOT/usr/local
DOCS_RUN=$DOCS_ROOT/run/tickfeed
DOCS_DATA=$DOCS_ROOT/var/lib/tickfeed
DOCS_DB=$DOCS_DATA/ticks.db
DOCS_WWW=$DOCS_PREFIX/share/tickfeed/www
DOCS_PORT=
# Enabled by a fresh Debian apache2 (mods-enabled); mpm chosen per test.
DOCS_APACHE_DEFAULT="access_compat alias auth_basic authn_core authn_file
authz_core authz_host authz_user autoindex deflate dir env filter mime
negotiation reqtimeout setenvif status"

docs_block() {
	awk -v mark="<!-- docs_configs.t: $2 -->" '
	    $0 == mark { armed = 1; next }
	    armed && !inside && /^```/ { inside = 1; next }
	    inside && /^```/ { exit }
	    inside { print }
	    armed && !inside && !/^```/ { exit }
	' "$ROOT/$1"
}

docs_local() {
	sed -e "s#/usr/local/#$DOCS_PREFIX/#g" \
	    -e "s#/run/tickfeed#$DOCS_RUN#g" \
	    -e "s#/var/lib/tickfeed#$DOCS_DATA#g" \
	    -e "s#/home/you/#$DOCS_ROOT/home/you/#g" \
	    -e "s#listen 80;#listen 127.0.0.1:$1;#" \
	    -e "s#<VirtualHost \*:80>#<VirtualHost 127.0.0.1:$1>#" \
	    -e "s# -u tickfeed-web # -u nobody #" \
	    -e "s# -g tickfeed # -g www-data #"
}

# The install, and docs/deploy.md's directories with the users mapped:
# the data 2770 (ingest's, the tickfeed group's), the socket's 2750.
# The binaries are only copied: -o keeps make from rebuilding them.
docs_install() {
	make -s -C "$ROOT" install PREFIX="$DOCS_PREFIX" BUILD="$BUILD" \
	    -o "$BUILD/bin/tickfeed.fcgi" -o "$BUILD/bin/tickfeed-ingest" \
	    >"$TEST_TMP/install.log" 2>&1 || return 1
	install -d -o root -g www-data -m 2770 "$DOCS_DATA" &&
	    install -d -o nobody -g www-data -m 2750 "$DOCS_RUN"
}

docs_nginx() {
	local d=$TEST_TMP/$1
	mkdir -p "$d/tmp"
	cp "$2" "$d/site.conf"
	cat >"$d/nginx.conf" <<-CONF
	user www-data;
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log warn;
	events { worker_connections 256; }
	http {
	    include /etc/nginx/mime.types;
	    default_type application/octet-stream;
	    access_log off;
	    client_body_temp_path $d/tmp/body;
	    fastcgi_temp_path $d/tmp/fastcgi;
	    proxy_temp_path $d/tmp/proxy;
	    scgi_temp_path $d/tmp/scgi;
	    uwsgi_temp_path $d/tmp/uwsgi;
	    include $d/site.conf;
	}
	CONF
	stack_nginx_run "$d"
}

# The modules of MPM, Debian's defaults and VHOST's "# a2enmod" line, by
# Debian's own .load and .conf files.
docs_apache_modules() {
	local m
	for m in "mpm_$1" $DOCS_APACHE_DEFAULT $(sed -n \
	    's/^#.*a2enmod \(.*\)$/\1/p' "$2"); do
		cat "/etc/apache2/mods-available/$m.load" || return 1
		[ -f "/etc/apache2/mods-available/$m.conf" ] &&
		    echo "Include /etc/apache2/mods-available/$m.conf"
	done
	return 0
}

docs_apache() {
	local d=$TEST_TMP/$1 mods
	mkdir -p "$d/run" "$d/fcgid"
	chown www-data:www-data "$d/fcgid"
	cp "$3" "$d/site.conf"
	mods=$(docs_apache_modules "$2" "$3" | awk '!seen[$0]++') || return 1
	cat >"$d/httpd.conf" <<-CONF
	ServerRoot $d
	ServerName 127.0.0.1
	Listen 127.0.0.1:$DOCS_PORT
	PidFile $d/httpd.pid
	ErrorLog $d/error.log
	LogLevel warn
	DefaultRuntimeDir $d/run
	Mutex file:$d/run default
	User www-data
	Group www-data
	$mods
	<IfModule mod_fcgid.c>
	    FcgidIPCDir $d/fcgid
	    FcgidProcessTableFile $d/fcgid/shm
	</IfModule>
	<Directory />
	    Options FollowSymLinks
	    AllowOverride None
	    Require all denied
	</Directory>
	AccessFileName .htaccess
	<FilesMatch "^\\.ht">
	    Require all denied
	</FilesMatch>
	Include $d/site.conf
	CONF
	apache2 -f "$d/httpd.conf" -k start || { cat "$d/error.log" >&2; return 1; }
	STACK_PIDFILES+=("$d/httpd.pid")
	stack_wait_for test -s "$d/httpd.pid"
}

# docs_get PATH [HEADER...]: "STATUS BODY" of a GET to DOCS_PORT.
docs_get() {
	local f=$TEST_TMP/get.body st
	st=$(curl -s --path-as-is -o "$f" -w '%{http_code}' \
	    "http://127.0.0.1:$DOCS_PORT$1")
	printf '%s %s' "$st" "$(cat "$f")"
}
