#!/bin/bash
# bench/push.sh still measures what it says, at a size a test can afford:
# 20 clients, 3 messages, from the feed line (the ingest tool reading a
# pipe) and from the commit, long-poll and SSE, each beside Nchan's same
# transport.  Every row must account for every delivery (none missed,
# doubled or out of order), the ingest tool must have stored every line,
# and the ratios must be printed.  The latencies themselves are the
# bench's business, not this test's.
source "$(dirname "$0")/../lib.sh"
test_stack
[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] ||
    skip_all "Nchan (libnginx-mod-nchan) not installed"
OUT=$TEST_TMP/bench.out

# rows MODE: "SYSTEM missed doubled order" of each row of MODE.
rows() { awk -v m="$1" '$1 == m && $2 ~ /^[0-9]+$/ { print $3, $7, $8, $9 }' "$OUT"; }

PUSH_NS=20 PUSH_MESSAGES=3 PUSH_RATE=10 "$ROOT/bench/push.sh" >"$OUT" 2>&1
ok $? "bench/push.sh, feed line -> client, ran to its end"
diag "$(cat "$OUT")"
is "$(rows poll)" "$(printf 'tickfeed 0 0 0\nnchan 0 0 0')" \
    "long-poll: every delivery once, in order, on both sides"
is "$(rows sse)" "$(printf 'tickfeed 0 0 0\nnchan 0 0 0')" \
    "SSE: every delivery once, in order, on both sides"
is "$(grep -c -e '^  [a-z]*: ' -e 'timed out' "$OUT")" 0 \
    "no side failed, and the ingest tool stored every line"
like "$(head -1 "$OUT")" '^tickfeed: feed line -> client \(tickfeed-ingest --follow -' \
    "the clock starts at the feed line"
like "$(grep -c '^poll N=20 *p99 tickfeed/nchan = *[0-9.]* (target <= 2.00) *memory = [0-9.]* (target <= 1.50)$' "$OUT")" '^1$' \
    "long-poll: both ratios, with their targets"
like "$(grep -c '^sse  N=20 *p99 tickfeed/nchan = *[0-9.]* (target <= 2.00) *memory = [0-9.]* (target <= 1.50)$' "$OUT")" '^1$' \
    "SSE: both ratios, with their targets"

PUSH_FROM=commit PUSH_TRANSPORTS=poll PUSH_NS=20 PUSH_MESSAGES=3 \
    PUSH_RATE=10 "$ROOT/bench/push.sh" >"$OUT" 2>&1
ok $? "bench/push.sh, commit -> client, ran to its end"
is "$(rows poll)" "$(printf 'tickfeed 0 0 0\nnchan 0 0 0')" \
    "from the commit: every delivery once, in order"
is "$(rows sse)" "" "PUSH_TRANSPORTS=poll: no SSE row"
done_testing
