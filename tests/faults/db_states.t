#!/bin/bash
# The database missing, unreadable, truncated, of another schema version
# or not tickfeed's at all: the app (FastCGI, behind a real nginx, running
# as nobody so that file permissions hold) answers 503 with a JSON error
# that says why, on the data endpoints and on health.  Then the file is
# fixed the way an operator would, and the same process answers 200: no
# restart.  Every case starts a fresh app on the broken file.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
[ "$(id -u)" -eq 0 ] || skip_all "running the app as nobody needs root"
test_stack
mkdir -p "$STACK_DIR" "$TEST_TMP/data"
chown nobody:nogroup "$STACK_DIR" "$TEST_TMP/data"
db=$TEST_TMP/data/ticks.db
good=$TEST_TMP/good.db

faults_feed "$TEST_TMP/feed.csv" 300 5
"$INGEST" -q --db "$good" "$TEST_TMP/feed.csv"
ok $? "a good database of 300 ticks"

# The app as nobody: root would read a chmod 000 file anyway.
cat >"$TEST_TMP/app-as-nobody" <<-EOF
	#!/bin/sh
	exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$APP" "\$@"
EOF
chmod 755 "$TEST_TMP/app-as-nobody"
STACK_APP=$TEST_TMP/app-as-nobody
stack_start_nginx >/dev/null
ok $? "nginx started"
url=$STACK_URL/api/v1

restore() {	# the good file, as the operator would put it back
	cp "$good" "$db" && chown nobody:nogroup "$db" && chmod 644 "$db"
}

# app_stop, then app_start: a fresh app process on the broken file.  The
# store is put back between cases with no process holding it, and without
# a -wal or -shm of an earlier file beside it.
app_stop() {
	stack_kill_pidfile "$STACK_DIR/app.pid"
	rm -f "$db-wal" "$db-shm"
}
app_start() {
	stack_start_app "$db" -t 4
	pid=$(cat "$STACK_DIR/app.pid")
}

# check_case NAME STATUS BODY: symbols, quotes and health answer
# STATUS (health's body is the same error) eight times each, so that
# every one of the app's four threads is asked.
check_case() {
	local name=$1 want=$2 body=$3 n=0 ep r
	for ep in symbols 'quotes?symbols=AAPL' health; do
		for i in 1 2 3 4 5 6 7 8; do
			r=$(faults_get "$url/$ep")
			[ "$r" = "$want $body" ] && n=$((n + 1))
		done
	done
	is "$n" 24 "$name: 24 of 24 answers are $want"
	[ "$n" -eq 24 ] || diag "last: $r"
}

# recovered NAME: after the fix, 200 from the same process.
recovered() {
	local n=0 r i
	for i in $(seq 8); do
		r=$(faults_get "$url/health")
		[[ $r == '200 {"status":"ok","cursor":300,'* ]] && n=$((n + 1))
	done
	is "$n" 8 "$1: fixed, every thread answers 200 again"
	is "$(cat "$STACK_DIR/app.pid")" "$pid" "$1: by the same process"
	kill -0 "$pid"
	ok $? "$1: which never exited"
}

err() { printf '{"error":{"code":"%s","message":"%s"}}' "$1" "$2"; }

rm -f "$db"
app_start
check_case missing 503 "$(err db_missing "database No such file or directory (create it with: tickfeed-ingest --db PATH init)")"
restore
recovered missing

app_stop; restore; chmod 000 "$db"
app_start
check_case unreadable 503 "$(err db_unreadable "database cannot open: unable to open database file")"
chmod 644 "$db"
recovered unreadable

app_stop; restore; truncate -s 50 "$db"
app_start
check_case truncated 503 "$(err db_corrupt "database cannot read: database disk image is malformed")"
restore
recovered truncated

app_stop; restore; sqlite3 "$db" 'PRAGMA user_version = 4'
app_start
check_case "version 4" 503 "$(err db_version "database schema version 4, this tickfeed needs 3: upgrade tickfeed")"
sqlite3 "$db" 'PRAGMA user_version = 3'
recovered "version 4"

app_stop; restore; sqlite3 "$db" 'PRAGMA user_version = 1'
app_start
check_case "version 1" 503 "$(err db_version "database schema version 1, this tickfeed needs 3: run tickfeed-ingest --db PATH migrate")"
sqlite3 "$db" 'PRAGMA user_version = 3'
recovered "version 1"

app_stop; rm -f "$db"; sqlite3 "$db" 'CREATE TABLE other (x)'; chown nobody:nogroup "$db"
app_start
check_case foreign 503 "$(err db_version "database schema version 0, this tickfeed needs 3: not a tickfeed database (create one with tickfeed-ingest --db PATH init)")"
restore
recovered foreign

like "$(faults_get "$url/metrics")" '^200 ' "metrics answer without a database"
done_testing
