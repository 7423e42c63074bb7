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

# Pid files and free ports: stack_kill_pidfile FILE (stop the process
# whose pid we wrote, and wait for it) and stack_free_port come from
# tools/stack.sh, one copy for the tests, the benchmarks and the demo.
. "$ROOT/tools/stack.sh"

# test_stack [TOOL...]: for a test that starts the web stack.  Skips the
# test unless nginx and each TOOL are installed; the stack lives in
# $TEST_TMP/stack and is stopped on exit.
test_stack() {
	local t
	for t in nginx "$@"; do
		command -v "$t" >/dev/null || skip_all "$t not installed"
	done
	chmod 755 "$TEST_TMP"	# the web servers' workers run as nobody
	STACK_DIR=$TEST_TMP/stack
	on_exit stack_stop
}

# waiting URL: the app's gauge of waiting clients, read from
# URL/api/v1/metrics (URL: the stack's, e.g. $STACK_URL).
waiting() {
	curl -s "$1/api/v1/metrics" |
	    awk '$1 == "tickfeed_waiting_clients" { print $2 }'
}
waiting_is() { [ "$(waiting "$1")" = "$2" ]; }
# until_waiting URL N: the gauge reads N (looked at for up to 60 s).
until_waiting() { STACK_WAIT_S=60 stack_wait_for waiting_is "$1" "$2"; }
