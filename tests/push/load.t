#!/bin/bash
# Long-poll and SSE under load, through a real nginx and a real Apache
# (mod_proxy_fcgi): while the ingest tool commits 20,000 ticks in bursts
# across 10 symbols, 500 long-poll clients (six different symbol sets)
# and 100 SSE clients follow, every 7th answer dropping their connection
# and resuming with their cursor (Last-Event-ID for SSE) and every 11th
# poll walking away while parked.  At the end each client must have seen
# exactly the ticks of its symbols, in id order, none missing, none
# doubled (tools/pushload.c compares with the store), and the waiting
# gauge must return to 0.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tools/push_lib.bash"
test_stack
push_build_client || { ok 1 "build tools/pushload"; done_testing; exit 1; }
DB=$TEST_TMP/ticks.db
SETS="AAPL;MSFT,IBM;GOOG,AMZN,TSLA;*;NVDA,META;BRK.B,JPM,AAPL"


field() { sed -n "s/.*\b$1=\([0-9-]*\).*/\1/p" "$2"; }

# run_load NAME TIMEOUT: 600 followers through $STACK_URL while 10 bursts
# of 2,000 ticks are committed.
run_load() {
	local name=$1 t=$2 out=$TEST_TMP/$1.out start lp rc
	start=$(sqlite3 "$DB" "SELECT max(id) FROM ticks")
	rm -f "$TEST_TMP/target"
	"$PUSHLOAD" -p "${STACK_URL##*:}" -P 500 -S 100 -s "$SETS" -c "$start" \
	    -t "$t" -r 7 -a 11 -d "$DB" -u "$TEST_TMP/target" -T 150 >"$out" 2>&1 &
	lp=$!
	on_exit "kill $lp 2>/dev/null"
	until_waiting "$STACK_URL" 600
	ok $? "$name: 600 clients waiting before the first commit"
	push_feed "$DB" 10 2000
	ok $? "$name: 10 bursts of 2,000 ticks committed"
	sqlite3 "$DB" "SELECT max(id) FROM ticks" >"$TEST_TMP/target"
	wait "$lp"; rc=$?
	diag "$(cat "$out")"
	is "$rc" 0 "$name: every client done, nothing wrong"
	is "$(field expected "$out")" "$(field received "$out")" \
	    "$name: received as many ticks as the store holds for them"
	like "$(field expected "$out")" '^[1-9][0-9]{6,}$' \
	    "$name: millions of deliveries checked"
	is "$(field missing "$out") $(field doubled "$out") $(field disorder "$out")" \
	    "0 0 0" "$name: none missing, none doubled, none out of order"
	is "$(field extra "$out") $(field bad_status "$out")" "0 0" \
	    "$name: nothing outside the range, no error answer"
	like "$(field reconnects "$out")" '^[1-9][0-9]+$' \
	    "$name: clients did leave and resume"
	until_waiting "$STACK_URL" 0
	ok $? "$name: the waiting gauge returns to 0"
}

push_feed "$DB" 1 100		# the ten symbols exist
stack_start_app "$DB" >/dev/null
stack_start_nginx >/dev/null
ok $? "nginx in front of the app"
run_load nginx 25

# Apache does not close the FastCGI connection when a waiting client
# leaves (it notices only when it writes): a short timeout lets the
# abandoned polls end before the gauge is checked.
if [ -x /usr/sbin/apache2 ]; then
	stack_stop
	stack_start_app "$DB" >/dev/null
	stack_start_apache proxy_fcgi "$DB" >/dev/null
	ok $? "Apache mod_proxy_fcgi in front of the app"
	# Each waiting client holds an Apache worker: the compiled-in 400
	# (16 x 25) are too few for 600 followers (docs/realtime.md).
	conf=$STACK_DIR/apache-proxy_fcgi/httpd.conf
	printf 'ThreadsPerChild 64\nMaxRequestWorkers 1024\n' >>"$conf"
	stack_kill_pidfile "$STACK_DIR/apache-proxy_fcgi/httpd.pid"
	apache2 -f "$conf" -k start && stack_wait_for curl -s -o /dev/null "$STACK_URL/"
	ok $? "Apache restarted with 1,024 workers"
	run_load apache 3
fi
done_testing
