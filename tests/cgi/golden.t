#!/bin/bash
# The golden suite through the app as plain CGI (RFC 3875): every case in
# tests/golden/cases must answer exactly tests/golden/expected/NAME.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"

[ -x "$BIN/tickfeed.fcgi" ] || { echo "not ok 1 - $BIN/tickfeed.fcgi built"; exit 1; }
golden_db "$TEST_TMP/golden.db"
ok $? "fixture database built"

n_bad=0
while IFS=$'\t' read -r name method target header; do
	got=$(golden_cgi "$TEST_TMP/golden.db" "$method" "$target" "$header")
	is "$got" "$(cat "$ROOT/tests/golden/expected/$name")" "cgi: $name"
	case $name in bad_*) n_bad=$((n_bad + 1)) ;; esac
done < <(golden_cases)
ok $(( n_bad >= 40 ? 0 : 1 )) "at least 40 bad requests ($n_bad)"
is "$(golden_cases | wc -l)" "$(ls "$ROOT/tests/golden/expected" | wc -l)" \
    "one expected answer per case, none left over"
done_testing
