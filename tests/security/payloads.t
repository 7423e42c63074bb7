#!/bin/bash
# The web side cannot be talked into writing.  Every endpoint gets SQL-ish
# and path-ish payloads in every parameter (values and keys, encoded and
# raw), in its path, in Last-Event-ID, and methods that would write
# (payloads.py, through a real nginx); raw bytes a web server would not
# pass go through the app as plain CGI.  Every answer must be a 4xx with
# the API's JSON error object (or, outside /api/v1/, a 4xx leaking
# nothing), and the database must be byte for byte what it was.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack
db=$TEST_TMP/ticks.db
rm -f /tmp/tickfeed-pwned

faults_feed "$TEST_TMP/feed.csv" 2000 8
"$INGEST" -q --db "$db" "$TEST_TMP/feed.csv"
ok $? "a database of 2000 ticks"
sum_before=$(faults_checksum "$db")
file_before=$(sha256sum <"$db")
stack_start_app "$db" >/dev/null
ok $? "app started"
stack_start_nginx >/dev/null
ok $? "nginx started"

python3 "$ROOT/tests/security/payloads.py" "$STACK_URL" >"$TEST_TMP/out" 2>&1
ok $? "payloads.py ran"
sent=0
while read -r group n bad; do
	[ "$group" = BAD ] && continue
	is "$bad" 0 "$group: $n hostile requests, all refused with a 4xx JSON error"
	sent=$((sent + n))
done <"$TEST_TMP/out"
grep '^BAD' "$TEST_TMP/out" | head -20 | sed 's/^/# /'
ok $(( sent > 2500 ? 0 : 1 )) "$sent requests sent over HTTP"

# Raw bytes in QUERY_STRING, as a careless front end might pass them.
raw_ok=0 raw_n=0
for qs in $'symbols=AAPL\x27 OR 1=1' $'symbols=AAPL\r\nX-Injected: 1' \
    $'symbol=AAPL\x80\xff' $'symbols=AAPL;DROP\tTABLE ticks' \
    'symbols=AAPL%00' 'symbols=%' 'symbols=%zz' "symbols=$(printf 'A%.0s' $(seq 3000))"; do
	for ep in quotes ticks poll stream; do
		out=$(env -i REQUEST_METHOD=GET REQUEST_URI="/api/v1/$ep" \
		    QUERY_STRING="$qs" TICKFEED_DB="$db" "$APP" 2>/dev/null |
		    tr -d '\r')
		raw_n=$((raw_n + 1))
		[[ $out =~ ^Status:\ 4[0-9][0-9]\  ]] &&
		    [[ ${out##*$'\n'} =~ ^\{\"error\":\{\"code\":\"[a-z_]+\",\"message\":\"[^\"]+\"\}\}$ ]] &&
		    raw_ok=$((raw_ok + 1))
	done
done
is "$raw_ok" "$raw_n" "plain CGI: $raw_n raw-byte queries refused with a 4xx JSON error"

stack_stop
is "$(faults_checksum "$db")" "$sum_before" "the database's content is unchanged"
is "$(sha256sum <"$db")" "$file_before" "the database file is unchanged, byte for byte"
is "$(faults_integrity "$db")" ok "integrity_check ok"
ok $([ ! -e /tmp/tickfeed-pwned ]; echo $?) "no shell ran a payload"
done_testing
