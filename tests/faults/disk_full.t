#!/bin/bash
# The disk fills up during an import: the database lives on a 2 MiB tmpfs
# and the feed needs several times that.  The ingest must stop with a
# clear error (exit 4, "database or disk is full"), leave no partial
# batch, and leave a database that opens (sqlite3, integrity_check, the
# app's health answer).  A rerun on the still-full disk changes nothing;
# once there is room (the tmpfs grown) a rerun completes, and the store
# holds exactly the source set of a clean import.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"

[ "$(id -u)" -eq 0 ] || skip_all "mounting a tmpfs needs root"
mnt=$TEST_TMP/mnt
mkdir "$mnt"
mount -t tmpfs -o size=2m,mode=0755 tickfeed-fault "$mnt" ||
    skip_all "cannot mount a tmpfs here"
on_exit "umount '$mnt'"
db=$mnt/ticks.db
N=100000

faults_feed "$TEST_TMP/feed.csv" "$N" 3
"$INGEST" -q --db "$TEST_TMP/ref.db" "$TEST_TMP/feed.csv"
ok $? "reference: one clean import on a roomy disk"

# health: the app's answer to GET /api/v1/health as plain CGI.
health() {
	env -i REQUEST_METHOD=GET REQUEST_URI=/api/v1/health \
	    TICKFEED_DB="$db" "$APP" 2>/dev/null | sed -n '1p;$p' | tr -d '\r'
}

"$INGEST" --db "$db" --batch 1000 "$TEST_TMP/feed.csv" \
    >"$TEST_TMP/out1" 2>"$TEST_TMP/err1"
is "$?" 4 "disk full: exit 4 (database error, batch rolled back)"
like "$(cat "$TEST_TMP/err1")" "database or disk is full" "the error says the disk is full"
diag "ingest said: $(cat "$TEST_TMP/out1")"
is "$(df --output=avail "$mnt" | tail -1 | tr -d ' ')" 0 "the disk really was full"
is "$(faults_integrity "$db")" ok "integrity_check ok on the full disk"
is "$(faults_consistent "$db")" ok "no partial batch"
stored=$(faults_count "$db")
ok $(( stored > 0 && stored < N && stored % 1000 == 0 ? 0 : 1 )) \
    "whole batches only ($stored of $N stored)"
like "$(cat "$TEST_TMP/out1")" ", stored $stored, " \
    "the summary counts only what was committed"
h=$(health)
like "$h" '^Status: 200 OK' "the app opens the database: health 200"
like "$h" "\"cursor\":$stored," "health's cursor is the last whole batch"

"$INGEST" --db "$db" --batch 1000 "$TEST_TMP/feed.csv" >/dev/null 2>"$TEST_TMP/err2"
is "$?" 4 "a rerun on the full disk fails the same way"
is "$(faults_count "$db")" "$stored" "and changes nothing"
is "$(faults_integrity "$db")" ok "integrity_check still ok"

mount -o remount,size=64m "$mnt"
ok $? "room made (tmpfs grown to 64 MiB)"
out=$("$INGEST" --db "$db" --batch 1000 "$TEST_TMP/feed.csv" 2>&1)
ok $? "the rerun completes"
is "$out" "$TEST_TMP/feed.csv: read $N, stored $((N - stored)), duplicate $stored, rejected 0" \
    "the rerun stores exactly what was missing"
faults_exact "$db" "$TEST_TMP/ref.db" "$N"
is "$(faults_integrity "$db")" ok "integrity_check ok at the end"
done_testing
