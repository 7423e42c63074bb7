#!/bin/bash
# migrate on a store built by an earlier release (schema 1, commit
# 3ef8866, built here from git; through 002 and 003): the same feed, late
# ticks and a prune included, stored by that release and migrated, must
# equal the store this release builds directly: every table, row for row
# (the epoch aside; after a prune, first_id and the notional of buckets
# whose ticks are gone are not recoverable and are left out: the notional
# is NULL exactly there), and the app's answers byte for byte, every
# interval (after a prune, but the vwap that is null there).
# ingest_migrate3.t does the same from schema 2.
# Before the migration the app answers 503 db_version saying what to run,
# and this ingest refuses to write.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
. "$ROOT/tests/golden/golden.sh"
V1_COMMIT=3ef8866
git -C "$ROOT" cat-file -e "$V1_COMMIT^{commit}" 2>/dev/null ||
    skip_all "no git history with $V1_COMMIT"
[ -x "$BIN/tickfeed.fcgi" ] || skip_all "no $BIN/tickfeed.fcgi (run make)"
cd "$TEST_TMP"

mkdir v1 && git -C "$ROOT" archive "$V1_COMMIT" | tar -x -C v1 &&
    env -u MAKEFLAGS -u MAKELEVEL make -s -C v1 -j2 BUILD=build OPT=-O0 \
    build/bin/tickfeed-ingest > v1/build.log 2>&1
rc=$?
ok $rc "the previous release's tickfeed-ingest builds from git"
[ $rc -eq 0 ] || { sed 's/^/# /' v1/build.log | tail -20; done_testing; exit; }
V1=$TEST_TMP/v1/build/bin/tickfeed-ingest

# 21 days up to an hour ago, 7 symbols, ~3 min apart per tick and symbol,
# shuffled: every batch holds late ticks for minutes, hours, days, weeks
# already stored.  Nothing between 11 and 9 days ago, so a prune at 10
# days cuts between whole days in both stores alike.
now=$(($(date +%s) * 1000)) day=86400000
awk -v t0=$((now - 21 * day)) -v gap0=$((now - 11 * day)) \
    -v gap1=$((now - 9 * day)) -v t1=$((now - 3600000)) 'BEGIN {
	srand(14); print "symbol,ts,price,size"
	for (ts = t0; ts < t1; ts += 26001 + int(rand() * 50)) {
		if (ts >= gap0 && ts < gap1) continue
		p = 1000 + int(rand() * 90000)
		printf "S%d,%.0f,%d.%02d,%d\n", int(rand() * 7), ts, p / 100, p % 100, 1 + int(rand() * 500)
	}
}' > sorted.csv
{ head -1 sorted.csv; tail -n +2 sorted.csv | shuf --random-source=<(yes); } > feed.csv
n=$(($(wc -l < feed.csv) - 1))
diag "$n ticks"
head -n $((n / 2)) feed.csv > part1.csv
sed -n "1p;$((n / 2 + 1)),\$p" feed.csv > part2.csv

build() {	# build BINARY DB [prune]: the feed in two runs of small batches
	"$1" -q --batch 700 --db "$2" part1.csv part2.csv &&
	    { [ -z "${3:-}" ] || "$1" -q --db "$2" prune --older-than 10; }
}
build "$V1" old.db; ok $? "v1 stores the feed"
build "$V1" oldp.db prune; ok $? "v1 stores the feed and prunes 10 days"
build "$ING" new.db; ok $? "this release stores the feed"
build "$ING" newp.db prune; ok $? "this release stores the feed and prunes"
is "$(q old.db 'PRAGMA user_version')" 1 "the v1 store is schema 1"
ok "$([ "$(q oldp.db 'SELECT count(*) FROM ticks')" -lt "$n" ]; echo $?)" \
    "the prune deleted ticks"

# Before migrating: the app says what to run; this ingest writes nothing.
is "$(golden_cgi old.db GET '/api/v1/candles?symbol=S1' | head -1)" "status: 503" \
    "the app on a v1 store: 503"
like "$(golden_cgi old.db GET '/api/v1/candles?symbol=S1' | tail -1)" \
    '"code":"db_version","message":"database schema version 1, this tickfeed needs 3: run tickfeed-ingest --db PATH migrate"' \
    "db_version, saying to run tickfeed-ingest --db PATH migrate"
before=$(md5sum < old.db)
"$ING" -q --db old.db feed.csv 2> err.txt; is "$?" 4 "ingest refuses a v1 store: exit 4"
like "$(cat err.txt)" "schema version 1, this tickfeed needs 3: run tickfeed-ingest --db PATH migrate" \
    "ingest says what to run"
is "$(md5sum < old.db)" "$before" "and leaves the file alone"

out=$("$ING" --db old.db migrate 2>&1); is "$?" 0 "migrate exits 0"
like "$out" "migrated to schema version 2.*migrated to schema version 3" "migrate says what it did"
"$ING" -q --db oldp.db migrate; is "$?" 0 "migrate the pruned store"
is "$(q old.db 'PRAGMA user_version')" 3 "user_version 3"
is "$(q old.db "SELECT count(*) FROM sqlite_schema WHERE name = 'candles_1m'")" 0 "candles_1m dropped"
is "$(q old.db 'PRAGMA integrity_check')" ok "integrity_check"
like "$(q old.db "SELECT value FROM meta WHERE key = 'epoch'")" '^[1-9][0-9]*$' "an epoch, positive"
ok "$([ "$(q old.db "SELECT value FROM meta WHERE key = 'epoch'")" != \
    "$(q new.db "SELECT value FROM meta WHERE key = 'epoch'")" ]; echo $?)" \
    "the epochs of two stores differ"

# Row for row.
rows() {	# rows DB TABLE COLUMNS
	q "$1" "SELECT $3 FROM $2 ORDER BY 1, 2, 3" | md5sum
}
ALL="symbol_id, iv, t, open, high, low, close, volume, trades, open_ts, close_ts, first_id, last_id, notional_hi, notional_lo"
NOFIRST="symbol_id, iv, t, open, high, low, close, volume, trades, open_ts, close_ts, last_id"
is "$(q old.db 'SELECT count(*) FROM candles')" "$(q new.db 'SELECT count(*) FROM candles')" \
    "as many candles ($(q new.db 'SELECT count(*) FROM candles'))"
is "$(rows old.db candles "$ALL")" "$(rows new.db candles "$ALL")" "candles at every level, first_id included"
is "$(candles_kept old.db | md5sum)" "$(candles_from_ticks old.db | md5sum)" \
    "migrated candles = recomputed from the ticks"
is "$(rows old.db symbols '*')" "$(rows new.db symbols '*')" "symbols, seq_id included"
is "$(rows old.db ticks '*')" "$(rows new.db ticks '*')" "ticks"
is "$(q old.db "SELECT * FROM meta WHERE key != 'epoch'")" \
    "$(q new.db "SELECT * FROM meta WHERE key != 'epoch'")" "meta but the epoch"
is "$(rows oldp.db candles "$NOFIRST")" "$(rows newp.db candles "$NOFIRST")" \
    "pruned: candles at every level (but first_id)"
is "$(rows oldp.db symbols '*')" "$(rows newp.db symbols '*')" "pruned: symbols"
is "$(rows oldp.db ticks '*')" "$(rows newp.db ticks '*')" "pruned: ticks"
is "$(q oldp.db "SELECT count(*) FROM candles c WHERE iv = 1 AND (notional_hi IS NULL) !=
    ((SELECT count(*) FROM ticks WHERE symbol_id = c.symbol_id AND ts >= c.t AND ts < c.t + 60000) < trades)")" 0 \
    "pruned: a minute's notional is NULL exactly when some of its ticks are gone"
ok "$([ "$(q oldp.db 'SELECT count(*) FROM candles WHERE notional_hi IS NULL')" -gt 0 ]; echo $?)" \
    "pruned: some are"
is "$(q oldp.db "SELECT count(*) FROM candles c WHERE iv > 1 AND (notional_hi IS NULL) != EXISTS
    (SELECT 1 FROM candles m WHERE m.symbol_id = c.symbol_id AND m.iv = 1 AND m.t >= c.t
    AND m.t < c.t + c.iv * 60000 AND m.notional_hi IS NULL)")" 0 \
    "pruned: a longer bucket's is NULL exactly when one of its minutes' is"
known() {	# known DB: DB's notional of the candles whose notional oldp.db kept
	q oldp.db "ATTACH '$1' AS x; SELECT c.symbol_id, c.iv, c.t, c.notional_hi, c.notional_lo
	    FROM x.candles c JOIN main.candles m USING (symbol_id, iv, t)
	    WHERE m.notional_hi IS NOT NULL ORDER BY 1, 2, 3" | md5sum
}
is "$(known oldp.db)" "$(known newp.db)" "pruned: every notional kept = the direct store's"
is "$(q oldp.db "SELECT count(*) FROM candles c WHERE iv = 1 AND first_id != coalesce(
    (SELECT min(+id) FROM ticks WHERE symbol_id = c.symbol_id AND ts >= c.t AND ts < c.t + 60000), last_id)")" 0 \
    "pruned: first_id = the smallest id left in the minute, else last_id"

# The app's answers, byte for byte.
t10=$((now - 10 * day)) t3=$((now - 3 * day))
targets() {
	local s iv
	echo "/api/v1/symbols"
	for s in S0 S3 S6; do
		for iv in 1m 5m 15m 30m 1h 4h 1d 1w; do
			echo "/api/v1/candles?symbol=$s&interval=$iv&limit=10000"
			echo "/api/v1/candles?symbol=$s&interval=$iv&from=$((now - 15 * day))&to=$t3&limit=300"
		done
		echo "/api/v1/ticks?symbol=$s&from=$((now - 20 * day - 12345))&to=$((now - 19 * day))&limit=10000"
		echo "/api/v1/ticks?symbol=$s&from=$t10&limit=50"
		echo "/api/v1/ticks?symbol=$s&to=$((now - 8 * day + 777))&limit=10000"
		echo "/api/v1/ticks?symbol=$s&from=$t3&to=$((t3 + 2 * 3600000))&since=$((n / 3))"
	done
}
answers() {	# answers DB: every target's answer, in order
	local tg
	targets | while read -r tg; do echo "$tg"; golden_cgi "$1" GET "$tg"; echo; done
}
answers new.db > new.txt; answers old.db > old.txt
is "$(grep -c '^status: 200' new.txt)" "$(targets | wc -l)" "every answer of the direct store is a 200"
ok "$(cmp -s new.txt old.txt; echo $?)" "migrated: every answer byte-identical ($(targets | wc -l) requests)"
answers newp.db > newp.txt; answers oldp.db > oldp.txt
novwap() { sed -E 's/"vwap":[^,}]*//g; s/^etag: .*//' "$1"; }
ok "$(cmp -s <(novwap newp.txt) <(novwap oldp.txt); echo $?)" \
    "pruned and migrated: every answer byte-identical but vwap"
is "$(diff <(grep -o '"vwap":[^,}]*' newp.txt) <(grep -o '"vwap":[^,}]*' oldp.txt) |
    grep '^>' | sort -u)" '> "vwap":null' "... whose values differ only where the migrated one is null"
like "$(golden_cgi oldp.db GET "/api/v1/ticks?symbol=S3&from=$((now - 20 * day))&to=$((now - 19 * day))" | tail -1)" \
    '"ticks":\[\],"next":0,"more":false' "pruned: no ticks left 20 days back"
like "$(golden_cgi oldp.db GET "/api/v1/ticks?symbol=S3&to=$((now - 8 * day))&limit=2" | tail -1)" \
    '"ticks":\[\{"id":[0-9]+,"ts":[0-9]+,.*\},\{.*"more":true' "kept ticks before 8 days ago are listed"

# Through a range, the bounded scan lists exactly what a full scan does.
full() {	# full DB SYMBOL FROM TO: the ids by a plain scan
	q "$1" "SELECT group_concat(id) FROM (SELECT t.id FROM ticks t JOIN symbols s
	    ON s.id = t.symbol_id WHERE s.symbol = '$2' AND ts >= $3 AND ts < $4 ORDER BY t.id)"
}
served() {	# served DB SYMBOL FROM TO
	golden_cgi "$1" GET "/api/v1/ticks?symbol=$2&from=$3&to=$4&limit=10000" |
	    tail -1 | grep -o '"id":[0-9]*' | cut -d: -f2 | paste -sd,
}
is "$(served oldp.db S2 "$t10" "$t3")" "$(full oldp.db S2 "$t10" "$t3")" \
    "ticks from/to on the migrated pruned store = a full scan"
"$ING" -q --db old.db migrate; is "$?" 0 "migrate again: nothing to do"
is "$(rows old.db candles "$ALL")" "$(rows new.db candles "$ALL")" "and nothing changed"

# An empty v1 store migrates too.
"$V1" -q --db empty.db init && "$ING" -q --db empty.db migrate
is "$?" 0 "an empty v1 store migrates"
is "$(q empty.db 'SELECT count(*) FROM candles') $(q empty.db 'PRAGMA user_version')" "0 3" "empty, version 3"
is "$(q empty.db "SELECT value FROM settings WHERE key = 'tz'")" UTC "its zone UTC"
done_testing
