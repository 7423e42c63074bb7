#!/bin/bash
# Integer timestamps (issue 12): a feed in seconds is refused as ms, line
# by line, saying what it looks like; --ts-unit s|us|ns converts (us, ns
# cut to ms); the 1980 floor applies after conversion; ISO-8601 is taken
# as written; simulate's output imports back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/t.db

printf 'symbol,ts,price\nA,1700000000,1.5\nA,1700000001,1.6\n' > sec.csv
out=$("$ING" --db "$DB" sec.csv 2> err.txt); rc=$?
is "$rc" 1 "seconds read as ms: exit 1"
is "$out" "sec.csv: read 2, stored 0, duplicate 0, rejected 2" "nothing stored"
is "$(cat err.txt)" "sec.csv:2: ts: 1700000000 looks like seconds since the epoch (2023-11-14T22:13:20Z); use --ts-unit s
sec.csv:3: ts: 1700000001 looks like seconds since the epoch (2023-11-14T22:13:21Z); use --ts-unit s" \
    "FILE:LINE: what it looks like, the date, the option"
is "$(q "$DB" 'SELECT count(*) FROM ticks')" 0 "no tick in 1970"
out=$("$ING" --db "$DB" --ts-unit s sec.csv 2> err.txt); rc=$?
is "$rc:$out" "0:sec.csv: read 2, stored 2, duplicate 0, rejected 0" "--ts-unit s stores them"
is "$(q "$DB" 'SELECT group_concat(ts) FROM (SELECT ts FROM ticks ORDER BY ts)')" \
    "1700000000000,1700000001000" "as ms"

# NDJSON numbers in ns and us: cut to ms; ticks within one ms need seq.
printf '{"symbol":"N","ts":1700000000123456789,"price":"1","seq":1}\n{"symbol":"N","ts":1700000000123999999,"price":"1","seq":2}\n' > ns.ndjson
out=$("$ING" --db "$DB" --ts-unit ns ns.ndjson); rc=$?
is "$rc:$out" "0:ns.ndjson: read 2, stored 2, duplicate 0, rejected 0" "--ts-unit ns"
is "$(q "$DB" "SELECT group_concat(ts || '/' || nkey) FROM (SELECT ts, nkey FROM ticks t JOIN symbols s ON s.id = t.symbol_id WHERE s.symbol = 'N' ORDER BY nkey)")" \
    "1700000000123/1,1700000000123/2" "cut to the ms; seq keeps both"
printf 'symbol,ts,price\nU,1700000000123456,2\nU,1700000000123,2\n' > us.csv
out=$("$ING" --db "$DB" --ts-unit us us.csv 2> err.txt); rc=$?
is "$rc:$out" "1:us.csv: read 2, stored 1, duplicate 0, rejected 1" "--ts-unit us: a ms value in it is refused"
is "$(cat err.txt)" "us.csv:3: ts: 1700000000123 looks like milliseconds since the epoch (2023-11-14T22:13:20.123Z); use --ts-unit ms" \
    "saying it looks like ms"
out=$("$ING" --db "$DB" us.csv 2> err.txt)
is "$(cat err.txt)" "us.csv:2: ts: 1700000000123456 looks like microseconds since the epoch (2023-11-14T22:13:20.123Z); use --ts-unit us" \
    "without the option the us value is refused"

# The floor, after conversion; ISO-8601 is not converted.
printf 'symbol,ts,price\nF,315532799,1\nF,315532800,1\nF,1975-01-01T00:00:00Z,1\n' > floor.csv
out=$("$ING" --db "$DB" --ts-unit s floor.csv 2> err.txt); rc=$?
is "$rc:$out" "1:floor.csv: read 3, stored 2, duplicate 0, rejected 1" "floor - 1 s refused, floor and ISO taken"
is "$(cat err.txt)" "floor.csv:2: ts: 315532799 s since the epoch is before 1980-01-01T00:00:00Z, the earliest integer ts taken" \
    "says the floor"
is "$(q "$DB" "SELECT group_concat(ts) FROM (SELECT ts FROM ticks t JOIN symbols s ON s.id = t.symbol_id WHERE s.symbol = 'F' ORDER BY ts)")" \
    "157766400000,315532800000" "ISO 1975 as written, 1980 from seconds"

"$ING" --db "$DB" --ts-unit min sec.csv 2> err.txt; is "$?" 2 "a bad --ts-unit: 2"
like "$(cat err.txt)" "bad value for --ts-unit" "says so"
"$ING" --db "$DB" simulate --ts-unit s --count 1 2> /dev/null; is "$?" 2 "--ts-unit is for imports"
like "$("$ING" --help)" "--ts-unit s\\|ms\\|us\\|ns" "--help shows it"

# simulate: its printed ticks import back; a start before the floor is
# refused rather than printing what could not be imported.
"$ING" simulate --rate 0 --count 300 --start-ts 1980-01-01T00:00:00Z --step-ms 7 --print csv > sim.csv
out=$("$ING" --db sim.db sim.csv); rc=$?
is "$rc:$out" "0:sim.csv: read 300, stored 300, duplicate 0, rejected 0" "simulate from the floor imports back"
"$ING" simulate --rate 0 --count 1 --start-ts 315532799999 --print csv > /dev/null 2> err.txt
is "$?" 2 "simulate --start-ts before the floor: 2"
done_testing
