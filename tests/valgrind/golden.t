#!/bin/bash
# valgrind (memcheck) over the golden request corpus: every case of
# tests/golden/cases through the app as plain CGI, the way mod_cgi runs
# it.  Each answer must still be exactly the golden one, and each run
# must end with 0 errors and no leak of any kind: definite, indirect,
# possible, or even still reachable (the only exception, libfcgi's own
# fd table, is in tickfeed.supp).  Two runs at a time.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"

command -v valgrind >/dev/null || skip_all "valgrind not installed"
[ -x "$BIN/tickfeed.fcgi" ] || { echo "not ok 1 - $BIN/tickfeed.fcgi built"; exit 1; }
golden_db "$TEST_TMP/golden.db"
ok $? "fixture database built"
VG=$TEST_TMP/vg
mkdir -p "$VG"
cat >"$TEST_TMP/app-under-valgrind" <<-WRAP
	#!/bin/sh
	exec valgrind --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=all --errors-for-leak-kinds=all \
	    --read-inline-info=no --read-var-info=no \
	    --suppressions="$ROOT/tests/valgrind/tickfeed.supp" \
	    --log-file="$VG/%p.log" "$BIN/tickfeed.fcgi"
WRAP
chmod 755 "$TEST_TMP/app-under-valgrind"
export GOLDEN_APP=$TEST_TMP/app-under-valgrind

# one NAME METHOD TARGET HEADER: a case under valgrind; a mismatch is
# written to $VG/NAME.diff.
one() {
	local got
	got=$(golden_cgi "$TEST_TMP/golden.db" "$2" "$3" "$4")
	[ "$got" == "$(cat "$ROOT/tests/golden/expected/$1")" ] ||
	    printf '%s\n' "$got" >"$VG/$1.diff"
}

n=0
while IFS=$'\t' read -r name method target header; do
	one "$name" "$method" "$target" "$header" &
	n=$((n + 1))
	[ $((n % 2)) -eq 0 ] && wait
done < <(golden_cases)
wait
is "$(ls "$VG"/*.log | wc -l)" "$n" "valgrind ran all $n golden cases"
is "$(ls "$VG" | grep -c '\.diff$')" 0 "under valgrind every answer is the golden one"
ls "$VG" | grep '\.diff$' | head -5 | sed 's/^/# differs: /'
clean=$(grep -l 'ERROR SUMMARY: 0 errors from 0 contexts' "$VG"/*.log | wc -l)
is "$clean" "$n" "0 errors and 0 leaks in every run ($clean of $n)"
for f in $(grep -L 'ERROR SUMMARY: 0 errors from 0 contexts' "$VG"/*.log | head -2); do
	sed 's/^/# /' "$f" | head -40
done
is "$(grep -h 'definitely lost:\|indirectly lost:\|possibly lost:' "$VG"/*.log |
    grep -vc ' 0 bytes in 0 blocks')" 0 "nothing lost, definitely, indirectly or possibly"
is "$(grep -h 'still reachable:' "$VG"/*.log | grep -vc ' 0 bytes in 0 blocks')" 0 \
    "nothing still reachable but the suppressed libfcgi table"
done_testing
