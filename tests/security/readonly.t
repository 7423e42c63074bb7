#!/bin/bash
# The web side's database handle cannot write, proven at the SQLite level
# and at the kernel's:
#   - ro_write.c opens the store with the app's own db_open(DB_READONLY)
#     and tries every kind of write SQL has (DML, DDL, pragmas, VACUUM,
#     ATTACH, turning query_only off, load_extension): each is refused,
#     and the file is byte for byte what it was;
#   - the running app, after answering requests on every thread, holds
#     the database file open read-only (O_RDONLY in /proc/PID/fdinfo).
#     (SQLite opens -wal and -shm read-write even for a read-only
#     connection: WAL readers mark the wal-index.  docs/security.md.)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/faults/faults.sh"
test_stack
db=$TEST_TMP/ticks.db

faults_feed "$TEST_TMP/feed.csv" 500 6
"$INGEST" -q --db "$db" "$TEST_TMP/feed.csv"
ok $? "a database of 500 ticks"
before=$(sha256sum <"$db")

# ${SAN}: under make test-sanitize the library is built with sanitizers.
${CC:-cc} -std=c11 -D_GNU_SOURCE ${SAN:-} -I"$ROOT/lib" -o "$TEST_TMP/ro_write" \
    "$ROOT/tests/security/ro_write.c" "$BUILD/libtickfeed.a" \
    $(pkg-config --libs sqlite3)
ok $? "ro_write built against lib/db.c"
(cd "$TEST_TMP" && ./ro_write "$db") >"$TEST_TMP/ro.out" 2>&1
ok $? "ro_write ran"
total=$(tail -1 "$TEST_TMP/ro.out" | awk '{print $4}')
is "$(tail -1 "$TEST_TMP/ro.out")" "$total refused of $total" "every one of $total writes refused"
grep '^ALLOWED' "$TEST_TMP/ro.out" | sed 's/^/# /'
ok $(( total >= 20 ? 0 : 1 )) "at least 20 kinds of write tried ($total)"
is "$(sha256sum <"$db")" "$before" "the database file is unchanged"
is "$(find "$TEST_TMP" -maxdepth 1 -name 'ro_write_*' -size +0 | wc -l)" 0 \
    "no new file with any content (ATTACH, VACUUM INTO)"
# VACUUM INTO opens (creates) its target before it is refused; say so if
# it still does, so the docs stay true.
[ -e "$TEST_TMP/ro_write_copy.db" ] && diag "VACUUM INTO left an empty ro_write_copy.db"

stack_start_app "$db" -t 4 >/dev/null
ok $? "app started"
stack_start_nginx >/dev/null
ok $? "nginx started"
for i in $(seq 16); do
	curl -s -o /dev/null "$STACK_URL/api/v1/ticks?symbol=AAPL&limit=$i"
done
pid=$(cat "$STACK_DIR/app.pid")
nfd=0 nrdonly=0
for fd in /proc/"$pid"/fd/*; do
	case $(readlink "$fd") in
	"$db")
		nfd=$((nfd + 1))
		flags=$(awk '/^flags:/ {print $2}' "/proc/$pid/fdinfo/${fd##*/}")
		[ $((8#$flags & 3)) -eq 0 ] && nrdonly=$((nrdonly + 1)) ;;
	esac
done
# Each thread that served a request holds its own handle; which threads
# served is the kernel's choice (one epoll set, conn.h).
ok $(( nfd >= 1 && nfd <= 5 ? 0 : 1 )) "the app holds the database open ($nfd fds: at most one a thread and the watcher's)"
is "$nrdonly" "$nfd" "every one of them read-only (O_RDONLY)"
done_testing
