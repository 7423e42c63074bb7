#!/bin/bash
# A line still being written is never a tick (issue 12).  An input whose
# last line has no newline holds it back: not stored, not refused, said
# on stderr, counted as "held", exit 0; the next import of the grown file
# stores it.  --complete takes it as it is.  The spool leaves a file that
# ends mid-line for the next run.  Every check compares the exact set of
# stored ticks with the file's complete lines (sqlite3).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
HOLDMSG='no newline at the end: held back until the line is complete (it is stored by the next import; --complete takes it as it is)'

# The issue's case: "...,107.08,201", the writer about to add "08\n".
DB=$TEST_TMP/g.db
printf 'symbol,ts,price,size\nAAPL,1764322200000,107.08,5\nAAPL,1764322200001,107.08,201' > g.csv
out=$("$ING" --db "$DB" g.csv 2> err.txt); rc=$?
is "$rc" 0 "a held line alone: exit 0"
is "$out" "g.csv: read 1, stored 1, duplicate 0, rejected 0, held 1" "summary counts it as held"
is "$(cat err.txt)" "g.csv:3: $HOLDMSG" "FILE:LINE says why"
is "$(db_set "$DB")" "AAPL,1764322200000,10708,5" "only the whole line is stored"
printf '08\n' >> g.csv
out=$("$ING" --db "$DB" g.csv 2> err.txt); rc=$?
is "$rc" 0 "the completed file: exit 0"
is "$out" "g.csv: read 2, stored 1, duplicate 1, rejected 0" "the completed line is stored now"
is "$(cat err.txt)" "" "nothing held"
check_store "$DB" "growing file, re-imported" g.csv
is "$(q "$DB" "SELECT count(*) FROM ticks WHERE size = 201")" 0 "no false tick of size 201"

# Cut at many byte offsets, imported after each cut: the store holds
# exactly the complete lines so far, and in the end exactly the file.
DB=$TEST_TMP/cuts.db
gen_csv 3000 5 > full.csv
size=$(stat -c %s full.csv)
bad=0 heldn=0
for cut in $(awk -v n="$size" 'BEGIN { srand(3); for (i = 1; i <= 30; i++) print int(n * i / 31) + int(rand() * 40) }') "$size"; do
	head -c "$cut" full.csv > grow.csv
	out=$("$ING" --db "$DB" grow.csv 2> err.txt); rc=$?
	head -n "$(tr -cd '\n' < grow.csv | wc -c)" full.csv > complete.csv
	[ "$rc" = 0 ] || bad=$((bad + 1))
	if [ "$(tail -c 1 grow.csv | od -An -c | tr -d ' ')" != '\n' ]; then
		heldn=$((heldn + 1))
		[[ $out == *", held 1" ]] || bad=$((bad + 1))
	fi
	[ "$(db_set "$DB" | md5sum)" = "$(csv_set complete.csv | md5sum)" ] || bad=$((bad + 1))
done
is "$bad" 0 "31 cuts: each exit 0, held said, store = the complete lines so far"
ok $(( heldn >= 25 ? 0 : 1 )) "most cuts fell mid-line ($heldn of 31)"
check_store "$DB" "after the last cut" full.csv

# A writer appending in chunks cut anywhere while imports run: a live
# feed.  After the writer ends and one more import, the store is exactly
# the file (the issue's live run stored 20,041 ticks for 20,040 lines).
DB=$TEST_TMP/live.db
gen_csv 20040 9 > src.csv
: > live.csv
{ off=0 total=$(stat -c %s src.csv) i=0
  while [ "$off" -lt "$total" ]; do
	n=$(( 1000 + (i * 7919) % 9000 )); i=$((i + 1))
	tail -c +"$((off + 1))" src.csv | head -c "$n" >> live.csv
	off=$((off + n)); sleep 0.01
  done; } &
W=$!
runs=0 fails=0 helds=0
while kill -0 "$W" 2> /dev/null; do
	out=$("$ING" --db "$DB" live.csv 2> /dev/null) || fails=$((fails + 1))
	[[ $out == *", held 1" ]] && helds=$((helds + 1))
	runs=$((runs + 1))
done
wait "$W"
out=$("$ING" --db "$DB" live.csv 2> /dev/null) || fails=$((fails + 1))
is "$fails" 0 "$((runs + 1)) imports during the writes: all exit 0"
ok $(( runs >= 3 ? 0 : 1 )) "the imports overlapped the writes ($runs runs, $helds held a line)"
is "$(cmp src.csv live.csv && echo same)" same "the writer wrote the whole file"
check_store "$DB" "live writer" src.csv
is "$(q "$DB" 'SELECT count(*) FROM ticks')" 20040 "20,040 lines, 20,040 ticks"

# --complete: the user knows the file is whole.
DB=$TEST_TMP/c.db
printf 'symbol,ts,price\nA,1764322200000,1.5' > c.csv
out=$("$ING" --db "$DB" --complete c.csv 2> err.txt); rc=$?
is "$rc:$out" "0:c.csv: read 1, stored 1, duplicate 0, rejected 0" "--complete stores the last line as it is"
is "$(cat err.txt)" "" "and says nothing"

# stdin: the same rule.
DB=$TEST_TMP/in.db
out=$(printf '{"symbol":"B","ts":1764322200000,"price":2}\n{"symbol":"B","ts":1764322200001,"pr' |
    "$ING" --db "$DB" - 2> err.txt); rc=$?
is "$rc:$out" "0:stdin: read 1, stored 1, duplicate 0, rejected 0, held 1" "stdin: the cut line is held"
is "$(cat err.txt)" "stdin:2: $HOLDMSG" "and said, with no JSON error"

# CRLF: a line cut between CR and LF is not whole (libcsv would end the
# record at the CR).
DB=$TEST_TMP/crlf.db
printf 'symbol,ts,price\r\nA,1764322200000,1.5\r\nA,1764322200001,2.5\r' > crlf.csv
out=$("$ING" --db "$DB" crlf.csv 2> err.txt); rc=$?
is "$rc:$out" "0:crlf.csv: read 1, stored 1, duplicate 0, rejected 0, held 1" "CRLF: a line cut before LF is held"
is "$(cat err.txt)" "crlf.csv:3: $HOLDMSG" "at its line"
printf '\n' >> crlf.csv
out=$("$ING" --db "$DB" crlf.csv); rc=$?
is "$rc:$out" "0:crlf.csv: read 2, stored 1, duplicate 1, rejected 0" "completed: stored"

# Only a header, without its newline.
DB=$TEST_TMP/h.db
printf 'symbol,ts,pri' > h.csv
out=$("$ING" --db "$DB" h.csv 2> err.txt); rc=$?
is "$rc:$out" "0:h.csv: read 0, stored 0, duplicate 0, rejected 0, held 1" "a cut header is held, not refused"
is "$(cat err.txt)" "h.csv:1: $HOLDMSG" "line 1"
printf 'ce\nA,1764322200000,3\n' >> h.csv
out=$("$ING" --db "$DB" h.csv); rc=$?
is "$rc:$out" "0:h.csv: read 1, stored 1, duplicate 0, rejected 0" "the whole header, then a tick"

# A quoted field with a newline in the last record: held at the record's
# first line until the record's last line ends.
DB=$TEST_TMP/q.db
printf 'symbol,ts,price,note\nA,1764322200000,1,x\nB,1764322200000,2,"two\nli' > q.csv
out=$("$ING" --db "$DB" q.csv 2> err.txt); rc=$?
is "$rc:$out" "0:q.csv: read 1, stored 1, duplicate 0, rejected 0, held 1" "a quoted record cut in its 2nd line"
is "$(cat err.txt)" "q.csv:3: ${HOLDMSG/the line is/the record is}" "reported at the record's first line"
printf 'nes"' >> q.csv
out=$("$ING" --db "$DB" q.csv 2> /dev/null)
is "$out" "q.csv: read 1, stored 0, duplicate 1, rejected 0, held 1" "closed quote, no newline yet: still held"
printf '\n' >> q.csv
out=$("$ING" --db "$DB" q.csv); rc=$?
is "$rc:$out" "0:q.csv: read 2, stored 1, duplicate 1, rejected 0" "whole: stored"
is "$(q "$DB" "SELECT count(*) FROM ticks t JOIN symbols s ON s.id = t.symbol_id WHERE s.symbol = 'B'")" 1 "once"

# --follow: a signal with a cut line pending says it is held.
DB=$TEST_TMP/f.db
printf 'symbol,ts,price\nA,1764322200000,1\nA,1764322200001,2' > f.csv
"$ING" --db "$DB" --follow --flush-ms 50 f.csv > f.out 2> f.err &
F=$!; echo "$F" > f.pid; on_exit "stack_kill_pidfile $TEST_TMP/f.pid"
has1() { [ "$(q "$DB" 'SELECT count(*) FROM ticks' 2> /dev/null)" = 1 ]; }
wait_for has1; ok $? "--follow stores the whole line"
kill -TERM "$F"; wait "$F"; rc=$?
is "$rc:$(cat f.out)" "0:f.csv: read 1, stored 1, duplicate 0, rejected 0, held 1" "SIGTERM: the cut line is held"
like "$(cat f.err)" "f.csv:3: no newline at the end: held back" "and said"

# The spool: a file ending mid-line is still being written: left alone.
DB=$TEST_TMP/s.db
SP=$TEST_TMP/spool
mkdir -p "$SP"
gen_csv 500 21 | sed 's/^S/P/' > p.csv
head -c -7 p.csv > "$SP/p.csv"
gen_csv 300 22 | sed 's/^S/R/' > "$SP/r.csv"
out=$("$ING" --db "$DB" --spool "$SP" 2> err.txt); rc=$?
is "$rc" 0 "spool: a file ending mid-line is no error"
is "$out" "$SP/r.csv: read 300, stored 300, duplicate 0, rejected 0" "the whole file is imported"
like "$(cat err.txt)" "$SP/p.csv: no newline at the end: still being written, left for the next run" "the other is left, saying why"
is "$(cd "$SP" && ls)" "done
failed
p.csv" "it stays in the spool"
head -c -7 p.csv | cmp -s - "$SP/p.csv"; ok $? "untouched"
is "$(q "$DB" "SELECT count(*) FROM ingest_files WHERE name = 'p.csv'")" 0 "and not recorded"
is "$(q "$DB" "SELECT count(*) FROM ticks t JOIN symbols s ON s.id = t.symbol_id WHERE s.symbol LIKE 'P%'")" 0 "none of its ticks stored"
cp p.csv "$SP/p.csv"
out=$("$ING" --db "$DB" --spool "$SP" 2> err.txt); rc=$?
is "$rc:$out" "0:$SP/p.csv: read 500, stored 500, duplicate 0, rejected 0" "once whole, the next run imports it"
is "$(ls "$SP/done" | tr '\n' ' ')" "p.csv r.csv " "and moves it"
check_store "$DB" "spool" p.csv "$SP/done/r.csv"
printf 'symbol,ts,price\nW,1764322200000,4.5' > "$SP/w.csv"
out=$("$ING" --db "$DB" --spool "$SP" --complete); rc=$?
is "$rc:$out" "0:$SP/w.csv: read 1, stored 1, duplicate 0, rejected 0" "--spool --complete imports it as it is"

# A spool file that grows while it is read and then ends mid-line: the
# run holds the line back and leaves the file (its row forgotten).  The
# run is held up after hashing the file by another writer's lock.
gen_csv 200 23 | sed 's/^S/X/' > x.csv
cp x.csv "$SP/x.csv"
mkfifo holdfifo
sqlite3 "$DB" < holdfifo > /dev/null & H=$!
exec 4> holdfifo
echo 'BEGIN IMMEDIATE;' >&4
locked() { ! sqlite3 "$DB" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' > /dev/null 2>&1; }
wait_for locked; ok $? "another writer holds the lock"
"$ING" --db "$DB" --spool "$SP" > x.out 2> x.err & X=$!
has_pid() { [ "$(cat "$SP/.tickfeed-ingest.lock" 2> /dev/null)" = "$X" ]; }
wait_for has_pid; sleep 0.5	# it has hashed x.csv and waits for the lock
printf 'X9,1764322299999,1.2,3' >> "$SP/x.csv"
echo 'COMMIT;' >&4; exec 4>&-; wait "$H"
wait "$X"; rc=$?
is "$rc" 0 "the run ends 0"
is "$(cat x.out)" "$SP/x.csv: read 200, stored 200, duplicate 0, rejected 0, held 1" "the grown line is held"
like "$(cat x.err)" "$SP/x.csv: grew while it was read and ends mid-line: left for the next run" "and said"
ok "$([ -f "$SP/x.csv" ]; echo $?)" "the file stays in the spool"
is "$(q "$DB" "SELECT count(*) FROM ingest_files WHERE name = 'x.csv'")" 0 "its row is forgotten"
printf '\n' >> "$SP/x.csv"
out=$("$ING" --db "$DB" --spool "$SP"); rc=$?
is "$rc:$out" "0:$SP/x.csv: read 201, stored 1, duplicate 200, rejected 0" "the next run stores the rest"
is "$(q "$DB" "SELECT status, read FROM ingest_files WHERE name = 'x.csv'")" "done|201" "recorded once, done"
done_testing
