#!/bin/bash
# --follow: a line appended to a growing file (or written to a pipe) is
# committed while the tool keeps running; truncation and log rotation
# (renamed away, a new file under the name) lose no line; SIGTERM ends
# it cleanly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/f.db
"$ING" -q --db "$DB" init
count() { q "$DB" "SELECT count(*) FROM ticks"; }
has() { [ "$(count)" = "$1" ]; }

printf 'symbol,ts,price,size\nA,1764322200000,1.5,1\n' > feed.csv
"$ING" --db "$DB" --follow --flush-ms 50 feed.csv > f.out 2> f.err &
F=$!; echo "$F" > f.pid; on_exit "stack_kill_pidfile $TEST_TMP/f.pid"
wait_for has 1; ok $? "the first line is committed"
echo 'A,1764322200001,1.6,1' >> feed.csv
wait_for has 2; ok $? "an appended line is committed while following"
printf 'A,1764322200002,1.' >> feed.csv
sleep 0.3
is "$(count)" 2 "a partial line waits for its newline"
printf '7,1\nbad line\n' >> feed.csv
wait_for has 3; ok $? "the completed line is committed"
is "$(q "$DB" "SELECT price FROM ticks ORDER BY id DESC LIMIT 1")" 170000000 "with its whole price"
wait_for grep -q 'feed.csv:5: symbol: not' f.err; ok $? "a bad line is reported while following"
# a file truncated and rewritten is read again from its start
printf 'symbol,ts,price\nT,1764322200000,1\n' > feed.csv
wait_for has 4; ok $? "after truncation the new content is read"
# log rotation: the file renamed away, a writer still appending to it
# (a last line without its newline), then a new file under the name
mv feed.csv feed.csv.1
echo 'T,1764322200001,2' >> feed.csv.1
wait_for has 5; ok $? "a line written to the renamed file is still read"
printf 'T,1764322200002,3' >> feed.csv.1
printf 'symbol,ts,price\nU,1764322200000,4\n' > feed.csv
wait_for has 7
ok $? "rotated: the old file's unterminated last line and the new file's line"
is "$(q "$DB" "SELECT group_concat(s.symbol || t.price, ' ') FROM (SELECT * FROM ticks ORDER BY id DESC LIMIT 3) t JOIN symbols s ON s.id = t.symbol_id")" \
    "U400000000 T300000000 T200000000" "in order: the old file to its end, then the new one"
like "$(cat f.err)" "feed.csv: rotated; the old file was read to its end" "the rotation is logged"
echo 'U,1764322200001,5' >> feed.csv
wait_for has 8; ok $? "the new file is followed as it grows"
echo 'T,1764322200003,6' >> feed.csv.1
sleep 0.5
is "$(count)" 8 "the old file is no longer read"
kill -TERM "$F"; wait "$F"; rc=$?
is "$rc" 1 "SIGTERM: exits with the status of what it read (1: a line was rejected)"
is "$(cat f.out)" "feed.csv: read 9, stored 8, duplicate 0, rejected 1" "and prints its summary"

# stdin from a pipe that stays open
mkfifo pipe
"$ING" --db "$DB" --follow --flush-ms 50 - < pipe > p.out 2> p.err &
P=$!; echo "$P" > p.pid; on_exit "stack_kill_pidfile $TEST_TMP/p.pid"
exec 3> pipe
printf '{"symbol":"B","ts":1764322200000,"price":2}\n' >&3
wait_for has 9; ok $? "a line on an open pipe is committed"
printf '{"symbol":"B","ts":1764322200001,"price":2.5}\n' >&3
wait_for has 10; ok $? "and the next one"
exec 3>&-
wait "$P"; is "$?" 0 "the pipe closing ends --follow with 0"
is "$(cat p.out)" "stdin: read 2, stored 2, duplicate 0, rejected 0" "summary"
# --batch: a full batch commits without waiting for the timer
"$ING" --db "$DB" --follow --batch 2 --flush-ms 3600000 - < pipe > b.out &
P=$!; echo "$P" > p.pid
exec 3> pipe
printf '{"symbol":"C","ts":1764322200001,"price":1}\n{"symbol":"C","ts":1764322200002,"price":1}\n' >&3
wait_for has 12; ok $? "--batch 2 commits two ticks at once, timer or not"
exec 3>&-
wait "$P"

# Group commit: with an hour's --flush-ms and a batch of 10,000, a lone
# tick is committed as soon as the input has nothing more ready, and a
# burst is committed whole.
"$ING" --db "$DB" --follow --flush-ms 3600000 - < pipe > g.out &
P=$!; echo "$P" > p.pid
exec 3> pipe
printf '{"symbol":"G","ts":1764322200001,"price":1}\n' >&3
wait_for has 13; ok $? "group commit: a lone tick is committed at once"
for i in $(seq 2 501); do
	printf '{"symbol":"G","ts":%d,"price":1}\n' $((1764322200000 + i))
done >&3
wait_for has 513; ok $? "group commit: a burst of 500 is committed"
is "$(count)" 513 "every tick of the burst, once"
exec 3>&-
wait "$P"

# without --follow a signal interrupts the input: 5, what was read committed
"$ING" --db "$DB" --batch 1 - < pipe > i.out 2> i.err &
P=$!; echo "$P" > p.pid
exec 3> pipe
printf '{"symbol":"D","ts":1764322200001,"price":1}\n' >&3
wait_for has 514; ok $? "--batch 1 commits the tick at once"
kill -TERM "$P"; wait "$P"; rc=$?
exec 3>&-
is "$rc" 5 "SIGTERM before the input ended: exit 5"
like "$(cat i.err)" "interrupted: what was read is committed; run again to finish" "says so"
is "$(count)" 514 "the tick read is committed"
done_testing
