#!/bin/bash
# migrate 003 on a store built by the previous release (schema 2, commit
# 2d5117f, built here from git): the candles' notional (for vwap) from
# the ticks, the store's zone UTC.  The same feed, late ticks and a prune
# included, stored by that release and migrated, must equal the store
# this release builds directly, row for row (after a prune, the notional
# of the buckets whose ticks are gone is NULL, exactly those), and the
# app's answers must be the same bytes (after a prune, but for vwap null
# there).  ingest_migrate.t does the same from schema 1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/ingest_lib.sh"
. "$ROOT/tests/golden/golden.sh"
V2_COMMIT=2d5117f
git -C "$ROOT" cat-file -e "$V2_COMMIT^{commit}" 2>/dev/null ||
    skip_all "no git history with $V2_COMMIT"
[ -x "$BIN/tickfeed.fcgi" ] || skip_all "no $BIN/tickfeed.fcgi (run make)"
cd "$TEST_TMP"

mkdir v2 && git -C "$ROOT" archive "$V2_COMMIT" | tar -x -C v2 &&
    env -u MAKEFLAGS -u MAKELEVEL make -s -C v2 -j2 BUILD=build OPT=-O0 \
    build/bin/tickfeed-ingest > v2/build.log 2>&1
rc=$?
ok $rc "the previous release's tickfeed-ingest builds from git"
[ $rc -eq 0 ] || { sed 's/^/# /' v2/build.log | tail -20; done_testing; exit; }
V2=$TEST_TMP/v2/build/bin/tickfeed-ingest

# 12 days up to an hour ago, 5 symbols, shuffled (late ticks for every
# level); a prune at 6 days cuts through a day, and through minutes.
now=$(($(date +%s) * 1000)) day=86400000
awk -v t0=$((now - 12 * day)) -v t1=$((now - 3600000)) 'BEGIN {
	srand(3); print "symbol,ts,price,size"
	for (ts = t0; ts < t1; ts += 20011 + int(rand() * 50)) {
		p = 1000 + int(rand() * 90000)
		printf "S%d,%.0f,%d.%02d,%d\n", int(rand() * 5), ts, p / 100, p % 100, 1 + int(rand() * 500)
	}
}' | { read -r h; echo "$h"; shuf --random-source=<(yes); } > feed.csv
build() {	# build BINARY DB [prune]
	"$1" -q --batch 500 --db "$2" feed.csv &&
	    { [ -z "${3:-}" ] || "$1" -q --db "$2" prune --older-than 6; }
}
build "$V2" old.db; ok $? "v2 stores the feed"
build "$V2" oldp.db prune; ok $? "v2 stores the feed and prunes 6 days"
build "$ING" new.db; ok $? "this release stores the feed"
build "$ING" newp.db prune; ok $? "this release stores the feed and prunes"
is "$(q old.db 'PRAGMA user_version')" 2 "the v2 store is schema 2"

like "$(golden_cgi old.db GET '/api/v1/symbols' | tail -1)" \
    '"code":"db_version","message":"database schema version 2, this tickfeed needs 3: run tickfeed-ingest --db PATH migrate"' \
    "the app on a v2 store: db_version, saying to run migrate"
"$ING" -q --db old.db feed.csv 2> err.txt; is "$?" 4 "ingest refuses a v2 store: exit 4"

start=$(date +%s%N)
out=$("$ING" --db old.db migrate 2>&1); is "$?" 0 "migrate exits 0"
diag "migrated $(q old.db 'SELECT count(*) FROM candles WHERE iv = 1') 1m candles in $((($(date +%s%N) - start) / 1000000)) ms"
like "$out" "migrated to schema version 3" "migrate says what it did"
"$ING" -q --db oldp.db migrate; is "$?" 0 "migrate the pruned store"
is "$(q old.db 'PRAGMA user_version')" 3 "user_version 3"
is "$(q old.db "SELECT value FROM settings WHERE key = 'tz'")" UTC "zone UTC"
is "$(q old.db 'PRAGMA integrity_check')" ok "integrity_check"

rows() { q "$1" "SELECT $2 FROM candles ORDER BY 1, 2, 3" | md5sum; }
ALL="symbol_id, iv, t, open, high, low, close, volume, trades, open_ts, close_ts, first_id, last_id, notional_hi, notional_lo"
is "$(rows old.db "$ALL")" "$(rows new.db "$ALL")" "candles at every level, notional included"
is "$(q old.db 'SELECT count(*) FROM candles WHERE notional_hi IS NULL')" 0 "no NULL notional"
is "$(candles_kept old.db | md5sum)" "$(candles_from_ticks old.db | md5sum)" \
    "migrated notional = the sum of price * size of the ticks, at every level"
is "$(q oldp.db "SELECT count(*) FROM candles c WHERE iv = 1 AND (notional_hi IS NULL) !=
    ((SELECT count(*) FROM ticks WHERE symbol_id = c.symbol_id AND ts >= c.t AND ts < c.t + 60000) < trades)")" 0 \
    "pruned: a minute's notional is NULL exactly when some of its ticks are gone"
is "$(q oldp.db "SELECT count(*) FROM candles c WHERE iv > 1 AND (notional_hi IS NULL) != EXISTS
    (SELECT 1 FROM candles m WHERE m.symbol_id = c.symbol_id AND m.iv = 1 AND m.t >= c.t
    AND m.t < c.t + c.iv * 60000 AND m.notional_hi IS NULL)")" 0 \
    "pruned: a longer bucket's is NULL exactly when one of its minutes' is"
ok "$([ "$(q oldp.db 'SELECT count(*) FROM candles WHERE iv = 1 AND notional_hi IS NULL')" -gt 0 ] &&
    [ "$(q oldp.db 'SELECT count(*) FROM candles WHERE iv = 1 AND notional_hi IS NOT NULL')" -gt 0 ]; echo $?)" \
    "pruned: some minutes known, some not"
known() {	# known DB: DB's notional of the candles whose notional oldp.db kept
	q oldp.db "ATTACH '$1' AS x; SELECT c.symbol_id, c.iv, c.t, c.notional_hi, c.notional_lo
	    FROM x.candles c JOIN main.candles m USING (symbol_id, iv, t)
	    WHERE m.notional_hi IS NOT NULL ORDER BY 1, 2, 3" | md5sum
}
is "$(known oldp.db)" "$(known newp.db)" "pruned: every notional kept = the direct store's"

targets() {
	local s iv
	echo "/api/v1/symbols"
	for s in S0 S4; do
		for iv in 1m 30m 4h 1d 1w; do
			echo "/api/v1/candles?symbol=$s&interval=$iv&limit=10000"
			echo "/api/v1/candles?symbol=$s&interval=$iv&from=$((now - 9 * day))&to=$((now - 2 * day))&limit=200"
		done
	done
}
answers() { local tg; targets | while read -r tg; do echo "$tg"; golden_cgi "$1" GET "$tg"; echo; done; }
answers new.db > new.txt; answers old.db > old.txt
is "$(grep -c '^status: 200' new.txt)" "$(targets | wc -l)" "every answer of the direct store is a 200"
ok "$(cmp -s new.txt old.txt; echo $?)" "migrated: every answer byte-identical ($(targets | wc -l) requests)"
answers newp.db > newp.txt; answers oldp.db > oldp.txt
novwap() { sed -E 's/"vwap":[^,}]*//g; s/^etag: .*//' "$1"; }
ok "$(cmp -s <(novwap newp.txt) <(novwap oldp.txt); echo $?)" \
    "pruned and migrated: every answer byte-identical but vwap"
is "$(diff <(grep -o '"vwap":[^,}]*' newp.txt) <(grep -o '"vwap":[^,}]*' oldp.txt) |
    grep '^>' | sort -u)" '> "vwap":null' "... whose values differ only where the migrated one is null"
"$ING" -q --db old.db migrate; is "$?" 0 "migrate again: nothing to do"
is "$(rows old.db "$ALL")" "$(rows new.db "$ALL")" "and nothing changed"
done_testing
