# TAP helpers for the shell tests (tests/*/*.t).  Source it, call ok/is/
# like, then done_testing.  Also: free ports, pid-file based cleanup.
set -u
TAP_N=0
TAP_FAILED=0
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=${BIN:-$BUILD/bin}

ok() {	# ok STATUS DESCRIPTION: STATUS is a command's exit code or 0/1
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $TAP_N - $2"
	else echo "not ok $TAP_N - $2"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" == "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; printf '#   got: %s\n#  want: %s\n' "$1" "$2"; fi
}

like() {	# like GOT REGEX DESCRIPTION
	if [[ $1 =~ $2 ]]; then ok 0 "$3"
	else ok 1 "$3"; printf '#   got: %s\n#  want match: %s\n' "$1" "$2"; fi
}

diag() { printf '# %s\n' "$*"; }

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# A fresh scratch directory removed on exit; cleanup hooks run first.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tickfeed-test.XXXXXX")
CLEANUP_HOOKS=()
on_exit() { CLEANUP_HOOKS+=("$1"); }
run_cleanup() {
	local i
	for ((i = ${#CLEANUP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_HOOKS[$i]}" || true
	done
	rm -rf "$TEST_TMP"
}
trap run_cleanup EXIT

# kill_pidfile FILE: stop the process whose pid we wrote, and wait for it.
kill_pidfile() {
	local f=$1 pid i
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
