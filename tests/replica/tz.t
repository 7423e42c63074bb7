#!/bin/bash
# The trading zone travels (docs/scale.md, "The entry"): an origin in
# America/New_York with ticks across its spring-forward day (2026-03-08,
# 23 hours), an empty edge and a snapshot-seeded one equal it table by
# table (candles with their notional, settings); set-tz Europe/Berlin on
# the origin travels as an entry of its own and both edges rebuild their
# days and weeks; an edge that was stopped across two zone changes and
# ticks in each catches up to the same bytes; an edge refuses set-tz by
# hand and ignores TICKFEED_TZ; an entry naming a zone this system lacks
# stops replicate with nothing written.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/ingest/ingest_lib.sh"
. "$(dirname "$0")/replica_lib.sh"
cd "$TEST_TMP"
redis_start r
R=127.0.0.1:$REDIS_PORT
O=$TEST_TMP/origin.db E=$TEST_TMP/edge.db S=$TEST_TMP/seeded.db
zone_of() { q "$1" "SELECT value FROM settings WHERE key = 'tz'"; }
# day_starts DB SYMBOL FROM_MS TO_MS: the 1d candles' starts in between.
day_starts() {
	q "$1" "SELECT group_concat(t, ' ') FROM (SELECT c.t FROM candles c JOIN symbols s ON s.id = c.symbol_id WHERE s.symbol = '$2' AND c.iv = 1440 AND c.t BETWEEN $3 AND $4 ORDER BY c.t)"
}
# top_tz: the tz field of the stream's newest entry, and its ID.
top_tz() {
	rcli --json XREVRANGE tickfeed + - COUNT 1 | python3 -c '
import json, sys
for i, f in json.load(sys.stdin):
    d = dict(zip(f[::2], f[1::2]))
    print(i, d.get("tz"), d.get("ticks", "").count("\n"))'
}
sync_to() { wait_for caught_up "$O" "$1"; }

TICKFEED_TZ=America/New_York "$ING" -q --db "$O" init
is "$(zone_of "$O")" America/New_York "the origin's zone: America/New_York (TICKFEED_TZ of a new store)"
bg pub "$ING" --db "$O" publish --redis "$R"
started pub
bg rep "$ING" --db "$E" replicate --redis "$R"
started rep
eventually "0-1 America/New_York 0" top_tz
ok $? "an empty stream carries UTC: publish sends the origin's zone at once (0-1, no ticks)"
sync_to "$E"; ok $? "the empty edge took the zone before any tick"
is "$(zone_of "$E")" America/New_York "the empty edge's zone: America/New_York"

# Five days of ticks, 2026-03-06 to 03-11 UTC, every 5 minutes: New
# York's Sunday 03-08 lasts 23 hours (05:00Z to 04:00Z the next day).
T0=1772755200000 NY8=1772946000000 NY9=1773028800000
feed 1500 1 $T0 300000 > a.csv
"$ING" -q --db "$O" a.csv
sync_to "$E"; ok $? "the empty edge followed 1500 ticks"
same_store "$O" "$E" "the empty edge, New York"
is "$(day_starts "$E" S0 $((NY8 - 3600000)) $((NY9 + 3600000)))" "$NY8 $NY9" \
    "its days start at New York's midnight: 05:00Z, then 04:00Z after the change"
is "$(q "$E" "SELECT count(*) FROM candles WHERE iv = 10080 AND t = 1773028800000")" 5 \
    "its weeks start on Monday 03-09 at 04:00Z (five symbols)"
is "$(q "$E" "SELECT count(*) FROM candles WHERE notional_hi IS NULL OR notional_lo IS NULL")" 0 \
    "every candle has its notional"

# A snapshot, then late ticks on the short day and later ones.
"$ING" -q --db "$O" snapshot "$S"; is "$?" 0 "snapshot of the New York origin"
is "$(zone_of "$S")" America/New_York "the copy has the origin's zone (settings)"
feed 400 2 $((NY8 + 60000)) 170000 > b.csv
"$ING" -q --db "$O" b.csv
bg rep2 "$ING" --db "$S" replicate --redis "$R"
sync_to "$E"; ok $? "the empty edge followed the late ticks"
sync_to "$S"; ok $? "the seeded edge caught up"
same_store "$O" "$E" "the empty edge, late ticks"
same_store "$O" "$S" "the seeded edge"

# set-tz on the origin: an entry of its own, the edges rebuild.
cur=$(cursor_of "$O")
"$ING" -q --db "$O" set-tz Europe/Berlin; is "$?" 0 "set-tz Europe/Berlin on the origin"
eventually "$cur-1 Europe/Berlin 0" top_tz
ok $? "it travels as an entry of its own ($cur-1, no ticks, tz Europe/Berlin)"
sync_to "$E"; ok $? "the empty edge followed the new zone"
sync_to "$S"; ok $? "the seeded edge too"
same_store "$O" "$E" "the empty edge, Berlin"
same_store "$O" "$S" "the seeded edge, Berlin"
is "$(zone_of "$E")/$(zone_of "$S")" Europe/Berlin/Europe/Berlin "both edges' zone: Europe/Berlin"
is "$(day_starts "$E" S0 $((NY8 - 7 * 3600000)) $((NY8 - 3600000)))" 1772924400000 \
    "its 03-08 starts at Berlin's midnight (23:00Z the day before)"
grep -q 'replicate: trading zone Europe/Berlin (was America/New_York), as the origin.s: [0-9]* daily and [0-9]* weekly candles rebuilt' rep.err
ok $? "replicate says it rebuilt the days and weeks"

# Stopped across two zone changes with ticks in each: one batch on restart.
stop rep; is "$RC" 0 "the empty edge's replicate stopped"
feed 300 3 $((T0 + 3600000)) 900000 > c.csv
"$ING" -q --db "$O" c.csv
"$ING" -q --db "$O" set-tz Asia/Tokyo
feed 300 4 $((T0 + 7200000)) 700000 > d.csv
"$ING" -q --db "$O" d.csv
"$ING" -q --db "$O" set-tz America/New_York
"$ING" -q --db "$O" prune --older-than 3650	# nothing, but a prune entry
feed 200 5 $((NY9 + 7200000)) 60000 > e.csv
"$ING" -q --db "$O" e.csv
bg rep "env" TICKFEED_TZ=UTC "$ING" --db "$E" replicate --redis "$R"
sync_to "$E"; ok $? "restarted (with TICKFEED_TZ=UTC, which an edge ignores), it caught up"
same_store "$O" "$E" "the empty edge, after Tokyo and back to New York"
sync_to "$S"; ok $? "the seeded edge followed each change"
same_store "$O" "$S" "the seeded edge, after Tokyo and back to New York"

# An edge's zone is the origin's only.
out=$("$ING" --db "$E" set-tz UTC 2>&1); rc=$?
is "$rc" 4 "set-tz on an edge: refused (exit 4)"
like "$out" "is an edge .*only tickfeed-ingest replicate writes it" "saying why"
is "$(zone_of "$E")" America/New_York "and its zone is unchanged"
stop rep; stop rep2
stop pub; is "$RC" 0 "publish exits 0"

# A zone this system does not have: replicate stops, nothing written.
X=$TEST_TMP/x.db
rcli XADD tz2 1-0 v 2 epoch 42 prev 0-0 t 1767225600000 prune 0,0 \
    tz Nowhere/Atlantis syms 1:AAA:2 ticks $'1,1767225600000,100,1,1\n' >/dev/null
out=$("$ING" --db "$X" replicate --redis "$R" --stream tz2 2>&1); rc=$?
is "$rc" 4 "an entry in a zone this system lacks: exit 4"
like "$out" "entry 1-0: the origin's trading zone Nowhere/Atlantis is not in this system's tz database: install tzdata" \
    "saying which zone and what to do"
is "$(cursor_of "$X"):$(q "$X" 'SELECT count(*) FROM candles'):$(zone_of "$X")" 0:0:UTC \
    "nothing of it written"
like "$(app_cgi "$X" /api/v1/health)" '^503 .*replicate stopped \(db_error\)' \
    "its health answers 503: replicate stopped (db_error)"
done_testing
