#!/bin/bash
# tickfeed-ingest FILE: import, re-import (0 new), formats, exit codes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/t.db

gen_csv 5000 1 600007 > a.csv	# 35 days
out=$("$ING" --db "$DB" a.csv); rc=$?
is "$rc" 0 "import exits 0"
is "$out" "a.csv: read 5000, stored 5000, duplicate 0, rejected 0" "summary"
check_store "$DB" "first import" a.csv
max1=$(q "$DB" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'")
out=$("$ING" --db "$DB" a.csv); rc=$?
is "$rc" 0 "re-import exits 0"
is "$out" "a.csv: read 5000, stored 0, duplicate 5000, rejected 0" "re-import stores 0 new"
is "$(q "$DB" "SELECT seq FROM sqlite_sequence WHERE name = 'ticks'")" "$max1" \
    "duplicates take no id (cursor unchanged)"
check_store "$DB" "after re-import" a.csv

# stdin, NDJSON sniffed, the same ticks as a second file => all duplicates
awk -F, 'NR > 1 && NR <= 101 { printf "{\"symbol\":\"%s\",\"ts\":%s,\"price\":\"%s\",\"size\":%s}\n", $1, $2, $3, $4 }' \
    a.csv > a.ndjson
out=$("$ING" --db "$DB" - < a.ndjson); rc=$?
is "$out" "stdin: read 100, stored 0, duplicate 100, rejected 0" "NDJSON from stdin, sniffed"
is "$rc" 0 "exit 0"

# rejected lines: FILE:LINE on stderr, the rest stored, exit 1
printf 'symbol,ts,price,size\nNEW,1764322200000,1.5,1\nlow,1,1,1\nNEW,1764322200001,1e5,1\nNEW,1764322200002,2.25,2\n' > b.csv
"$ING" --db "$DB" b.csv > out.txt 2> err.txt; rc=$?
is "$rc" 1 "rejected lines exit 1"
is "$(cat out.txt)" "b.csv: read 4, stored 2, duplicate 0, rejected 2" "summary counts them"
is "$(cat err.txt)" "b.csv:3: symbol: not 1..16 of A-Z 0-9 . - _ ^ =
b.csv:4: price: price is not a plain decimal" "FILE:LINE: reason"
is "$(q "$DB" "SELECT decimals, tick_count, last_price FROM symbols WHERE symbol = 'NEW'")" \
    "2|2|225000000" "symbol row: most decimals, count, newest"

# several files: a total line; a missing file is rejected, the rest imported
out=$("$ING" --db "$DB" b.csv missing.csv a.csv 2> err.txt); rc=$?
is "$rc" 1 "a missing file exits 1"
like "$(cat err.txt)" "missing.csv: No such file or directory" "says which file"
like "$out" "total: read 5004, stored 0, duplicate 5002, rejected 2" "total line"

# a bad header refuses the file
printf 'sym,ts,price\nA,1,1\n' > c.csv
"$ING" --db "$DB" c.csv > /dev/null 2> err.txt; rc=$?
is "$rc" 1 "bad header exits 1"
is "$(cat err.txt)" "c.csv:1: header lacks column 'symbol' (needs symbol, ts, price; size, seq optional)" \
    "bad header message"

# usage errors: 2
"$ING" --db "$DB" --rate 5 a.csv 2> err.txt; is "$?" 2 "option of another command: 2"
like "$(cat err.txt)" "--rate does not go with this command" "says so"
"$ING" --db "$DB" 2> /dev/null; is "$?" 2 "no files: 2"
"$ING" --db "$DB" --bogus a.csv 2> /dev/null; is "$?" 2 "unknown option: 2"
"$ING" --db "$DB" prune 2> /dev/null; is "$?" 2 "prune without --older-than: 2"
"$ING" --db "$DB" --format xml a.csv 2> /dev/null; is "$?" 2 "bad --format: 2"
"$ING" --db "$DB" --follow a.csv b.csv 2> /dev/null; is "$?" 2 "--follow with two files: 2"
help=$("$ING" --help); is "$?" 0 "--help exits 0"
like "$help" "3  another tickfeed-ingest holds the spool's lock" "--help documents the exit codes"

# database errors: 4
mkdir dir.db
"$ING" --db dir.db a.csv 2> err.txt; is "$?" 4 "a directory as database: 4"
echo "not sqlite at all, just text that is long enough to be a header......................................" > junk.db
"$ING" --db junk.db a.csv 2> err.txt; is "$?" 4 "a foreign file: 4"
q v7.db "CREATE TABLE x (a); PRAGMA user_version = 7;"
"$ING" --db v7.db a.csv 2> err.txt; is "$?" 4 "a newer schema: 4"
like "$(cat err.txt)" "schema version 7, this tickfeed needs 3: upgrade tickfeed" "says what to do"

# init and migrate
out=$("$ING" --db new.db init); is "$?" 0 "init exits 0"
is "$out" "new.db: created (schema version 3)" "init creates"
is "$(q new.db 'PRAGMA user_version')" 3 "user_version 3"
out=$("$ING" --db new.db init); is "$out" "new.db: already initialised (schema version 3)" "init again"
out=$("$ING" --db new.db migrate); is "$?" 0 "migrate exits 0"
is "$out" "new.db: schema version 3 is current" "migrate: nothing to do"
"$ING" --db v7.db migrate 2> err.txt; is "$?" 4 "migrate refuses a newer schema"

# make install puts the binary, the man page and the schema in place
make -s -C "$ROOT" BUILD="$BUILD" install-ingest DESTDIR="$TEST_TMP/root" PREFIX=/usr > /dev/null; rc=$?
is "$rc" 0 "make install-ingest"
is "$(cd "$TEST_TMP/root" && find . -type f | sort | tr '\n' ' ')" \
    "./usr/bin/tickfeed-ingest ./usr/share/man/man1/tickfeed-ingest.1 ./usr/share/tickfeed/schema.sql " \
    "installed files"
ok "$([ -x "$TEST_TMP/root/usr/bin/tickfeed-ingest" ]; echo $?)" "the binary is executable"

# $TICKFEED_DB is the default --db
out=$(TICKFEED_DB=$TEST_TMP/env.db "$ING" b.csv 2> /dev/null)
is "$(q env.db 'SELECT count(*) FROM ticks')" 2 "TICKFEED_DB names the database"
done_testing
