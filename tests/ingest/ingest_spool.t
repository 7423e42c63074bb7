#!/bin/bash
# --spool: each file once (even renamed or dropped again), done/ and
# failed/, and two runs overlapping on one spool: one writer at a time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/s.db
SP=$TEST_TMP/spool
mkdir -p "$SP"

for i in 1 2 3; do gen_csv 30000 "1$i" | sed "s/^S/F$i/" > "$SP/f$i.csv"; done
cp "$SP"/f*.csv .
printf 'no,header\n' > "$SP/bad.csv"
printf 'symbol,ts,price\n' > "$SP/partial.csv.tmp"

# Overlap, made certain: run A takes the lock (its pid appears in the
# lock file), is stopped there, and run B finds the lock held.
"$ING" -q --db "$DB" --spool "$SP" 2> a.err &
A=$!
has_pid() { [ "$(cat "$SP/.tickfeed-ingest.lock" 2> /dev/null)" = "$A" ]; }
wait_for has_pid; ok $? "run A holds the spool lock"
kill -STOP "$A"
"$ING" -q --db "$DB" --spool "$SP" 2> b.err; rc=$?
kill -CONT "$A"
is "$rc" 3 "run B, overlapping, exits 3"
like "$(cat b.err)" "another tickfeed-ingest \\(pid $A\\) is importing this spool" "and says who holds it"
wait "$A"; is "$?" 1 "run A imports everything (exit 1: bad.csv failed)"
is "$(cd "$SP/done" && ls | sort | tr '\n' ' ')" "f1.csv f2.csv f3.csv " "imported files in done/"
is "$(ls "$SP/failed")" "bad.csv" "the unusable file in failed/"
is "$(cd "$SP" && ls)" "done
failed
partial.csv.tmp" "a .tmp file is left alone"
check_store "$DB" "spool" f1.csv f2.csv f3.csv
is "$(q "$DB" "SELECT name, status, read, stored, duplicate, rejected FROM ingest_files ORDER BY name")" \
"bad.csv|failed|1|0|0|1
f1.csv|done|30000|30000|0|0
f2.csv|done|30000|30000|0|0
f3.csv|done|30000|30000|0|0" "ingest_files remembers each file"

# the same content again under another name: not imported again
cp f2.csv "$SP/f2-again.csv"
out=$("$ING" --db "$DB" --spool "$SP" 2> err.txt); rc=$?
is "$rc" 0 "a re-dropped file: exit 0"
like "$(cat err.txt)" "f2-again.csv: already imported \\(done\\)" "recognised by its content"
is "$out" "" "nothing read"
is "$(ls "$SP/done" | wc -l)" 4 "moved to done/ beside the first"

# a crash between commit and move: the row says done, the file is still
# there (simulated by putting it back): the next run only moves it
cp f1.csv "$SP/f1.csv"
"$ING" -q --db "$DB" --spool "$SP" 2> /dev/null; is "$?" 0 "file left by a crash: exit 0"
is "$(ls "$SP/done" | sort | tr '\n' ' ')" "f1.csv f1.csv.1 f2-again.csv f2.csv f3.csv " \
    "moved without overwriting"
# a crash mid-import: the row says running; the next run imports it again
gen_csv 1000 99 | sed 's/^S/G/' > g.csv
"$ING" -q --db "$DB" g.csv
h=$(sha256sum g.csv | cut -d' ' -f1); sz=$(stat -c %s g.csv)
q "$DB" "INSERT INTO ingest_files (name, size, hash, started_at, status) VALUES ('g.csv', $sz, '$h', 0, 'running')"
cp g.csv "$SP/"
out=$("$ING" --db "$DB" --spool "$SP"); is "$?" 0 "a 'running' file is imported again"
is "$out" "$SP/g.csv: read 1000, stored 0, duplicate 1000, rejected 0" "its ticks were there already"
check_store "$DB" "after the crash cases" f1.csv f2.csv f3.csv g.csv

# Two runs started together on fresh files: either may win; each file once.
for i in 4 5 6 7; do gen_csv 20000 "2$i" | sed "s/^S/H$i/" > "$SP/h$i.csv"; done
cp "$SP"/h*.csv .
"$ING" -q --db "$DB" --spool "$SP" 2> /dev/null & P1=$!
"$ING" -q --db "$DB" --spool "$SP" 2> /dev/null & P2=$!
wait "$P1"; r1=$?; wait "$P2"; r2=$?
like "$r1 $r2" "^(0 [03]|3 0)$" "concurrent runs: one imports, the other is 0 or 3 ($r1 $r2)"
check_store "$DB" "concurrent runs" f1.csv f2.csv f3.csv g.csv h4.csv h5.csv h6.csv h7.csv
is "$(q "$DB" "SELECT count(*) FROM ingest_files WHERE name LIKE 'h%' AND status = 'done'")" 4 "each file once"
done_testing
