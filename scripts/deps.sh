#!/bin/sh
# scripts/deps.sh [build|test|all]: installs what tickfeed needs from
# Debian's packages and npm, and nothing when it is all there already.
# Debian must not start the distro's nginx/apache2/rsyslog/php-fpm/
# prometheus services:
# tickfeed's tests and demo start their own instances on loopback.
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}

BUILD_PKGS="build-essential pkg-config libfcgi-dev libsqlite3-dev sqlite3
  libjansson-dev liburiparser-dev libcsv-dev nettle-dev zlib1g-dev tzdata
  libhiredis-dev nginx"
TEST_PKGS="clang libclang-rt-14-dev valgrind apache2 libapache2-mod-fcgid
  spawn-fcgi wrk curl python3 chromium php-fpm php-sqlite3
  libnginx-mod-nchan ansible ansible-lint yamllint rsyslog rsyslog-relp
  debootstrap iproute2 procps psmisc openssl libapache2-mod-qos
  prometheus prometheus-alertmanager prometheus-node-exporter
  redis-server redis-sentinel haproxy"

case $what in
build) pkgs=$BUILD_PKGS ;;
*) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
esac

missing=""
# Node.js: any node with its npm will do (this machine's ships npm inside
# the nodejs package, where Debian's separate npm package would conflict).
# The build needs it too: the chart library comes from npm.
if ! command -v npm >/dev/null 2>&1; then
	pkgs="$pkgs nodejs npm"
fi
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
	fi
	echo "deps: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
fi
if [ "$what" != build ] && [ -f package-lock.json ] && [ ! -d node_modules ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
