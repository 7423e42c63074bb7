#!/bin/bash
# simulate: seeded and reproducible, realistic decimals, into the database
# or to stdout, and a clean stop on SIGTERM.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
cd "$TEST_TMP"
DB=$TEST_TMP/sim.db
sim() { "$ING" --db "$DB" simulate --rate 0 --start-ts 1764322200000 --step-ms 5 "$@"; }

sim --seed 7 --count 2000 --print csv > a.csv
sim --seed 7 --count 2000 --print csv > b.csv
sim --seed 8 --count 2000 --print csv > c.csv
is "$(md5sum < a.csv)" "$(md5sum < b.csv)" "same seed, same ticks"
ok "$(! cmp -s a.csv c.csv; echo $?)" "another seed, other ticks"
is "$(wc -l < a.csv)" 2001 "--count 2000 and a header"
is "$(head -1 a.csv)" "symbol,ts,price,size,seq" "CSV header"
is "$(tail -n +2 a.csv | cut -d, -f1 | sort -u | tr '\n' ' ')" "AAPL EURUSD MSFT SPY TSLA USDJPY " "default symbols"
is "$(awk -F, '$1 == "EURUSD" { split($3, p, "."); print length(p[2]) }' a.csv | sort -u)" 5 "EURUSD in 5 decimals"
is "$(awk -F, '$1 == "AAPL" { split($3, p, "."); print length(p[2]) }' a.csv | sort -u)" 2 "AAPL in cents"
is "$(awk -F, 'NR > 1 && ($4 < 1 || $4 != int($4)) ' a.csv | wc -l)" 0 "sizes are whole and positive"

out=$(sim --seed 7 --count 2000); is "$?" 0 "into the database"
is "$out" "simulate: read 2000, stored 2000, duplicate 0, rejected 0" "summary"
scaled() { awk -F, 'NR > 1 { split($3, p, "."); printf "%s,%s,%.0f,%s,%s\n", $1, $2, (p[1] substr(p[2] "00000000", 1, 8)) + 0, $4, $5 }' "$1" | sort; }
is "$(q "$DB" "SELECT s.symbol || ',' || ts || ',' || price || ',' || size || ',' || nkey FROM ticks t JOIN symbols s ON s.id = t.symbol_id" | sort | md5sum)" \
    "$(scaled a.csv | md5sum)" "the stored ticks are the printed ones, seq as nkey"
is "$(candles_kept "$DB" | md5sum)" "$(candles_from_ticks "$DB" | md5sum)" "candles"
out=$(sim --seed 7 --count 2000)
is "$out" "simulate: read 2000, stored 0, duplicate 2000, rejected 0" "a reproducible rerun is all duplicates"
is "$(q "$DB" "SELECT decimals FROM symbols WHERE symbol = 'USDJPY'")" 3 "symbol decimals"

sim --seed 7 --count 50 --print ndjson --symbols 'ZZ,EURUSD' > a.ndjson
is "$(head -c 1 a.ndjson)" "{" "NDJSON output"
is "$("$ING" --db nd.db a.ndjson)" "a.ndjson: read 50, stored 50, duplicate 0, rejected 0" "and it imports"
"$ING" --db "$DB" simulate --symbols 'bad sym' --count 1 2> /dev/null; is "$?" 2 "bad --symbols: 2"
"$ING" simulate --duration 0.2 --rate 100 --print csv --symbols AAPL > d.csv; is "$?" 0 "--duration ends the run"
is "$("$ING" --db d.db d.csv | sed 's/[0-9][0-9]*/N/g')" "d.csv: read N, stored N, duplicate N, rejected N" \
    "and what it printed imports"
is "$(q d.db 'SELECT count(*) > 0 FROM ticks')" 1 "some ticks"

# forever, paced, wall-clock timestamps, stopped by SIGTERM after commits;
# group commit: with an hour's --flush-ms each tick is stored before the
# run sleeps until the next one
"$ING" --db live.db simulate --rate 50 --flush-ms 3600000 > live.out &
S=$!; echo "$S" > s.pid; on_exit "stack_kill_pidfile $TEST_TMP/s.pid"
some() { [ "$(q live.db 'SELECT count(*) FROM ticks' 2> /dev/null || echo 0)" -ge 5 ]; }
wait_for some; ok $? "ticks are committed while it runs (group commit, not the timer)"
kill -TERM "$S"; wait "$S"; is "$?" 0 "SIGTERM: exit 0"
n=$(q live.db 'SELECT count(*) FROM ticks')
is "$(cat live.out)" "simulate: read $n, stored $n, duplicate 0, rejected 0" "everything made was committed"
now=$(($(date +%s) * 1000))
ok "$([ $(q live.db 'SELECT max(ts) FROM ticks') -gt $((now - 600000)) ]; echo $?)" "timestamps are now"
done_testing
