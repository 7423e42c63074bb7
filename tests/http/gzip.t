#!/bin/bash
# Compressed answers (issue #18) through nginx and the three Apache ways,
# configured with conf/ as it is, on the golden fixture: with
# Accept-Encoding: gzip an answer of 256 bytes or more comes gzipped by
# the app (once per answer) with Vary: Accept-Encoding and decompresses
# to exactly the golden bytes; its ETag is the app's, weak (W/"..."), and
# sending it back in If-None-Match (alone or in a list), or the strong
# one, gives a 304 with the tag the client would have got; without the
# header the answer is the golden one, uncompressed.  Poll answers are
# gzipped by the web server; the stream never.  Smaller answers: nginx
# leaves them as they are, Apache's mod_deflate gzips them with its
# "-gzip" tag, which gives a 304 too (conf/: RequestHeader edit).  A host
# without mod_deflate (.htaccess) still gets the app's gzip, 304 intact.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"

test_stack apache2
export TICKFEED_NOW=$GOLDEN_NOW
golden_db "$TEST_TMP/golden.db"
ok $? "fixture database built"
T=/api/v1/candles?symbol=AAPL		# 857 bytes: candles_1m
G=$ROOT/tests/golden/expected/candles_1m
BODY=$(sed '1,/^$/d' "$G")
ETAG=$(sed -n 's/^etag: //p' "$G")

# head URL [CURL ARGS]: the answer's status line and headers, lower-case
# names, no CR.
head_of() {
	local url=$1; shift
	curl -s -D - -o "$TEST_TMP/body" "$@" "$url" | tr -d '\r' |
	    sed 's/^\([A-Za-z-]*\):/\L\1:/'
}
hdr() { sed -n "s/^$1: //p" <<<"$2"; }

# check LABEL URL ZTAG: the checks on one server; ZTAG the compressed
# answer's ETag that server gives.
check() {
	local label=$1 url=$2 ztag=$3 h
	h=$(head_of "$url$T" -H 'Accept-Encoding: gzip')
	is "$(hdr content-encoding "$h")" gzip "$label: gzip asked, gzip given"
	like "$(hdr vary "$h")" 'Accept-Encoding' "$label: Vary: Accept-Encoding"
	is "$(gzip -dc "$TEST_TMP/body")" "$BODY" "$label: decompresses to the golden bytes"
	ok "$([ "$(wc -c < "$TEST_TMP/body")" -lt "${#BODY}" ]; echo $?)" \
	    "$label: smaller ($(wc -c < "$TEST_TMP/body") of ${#BODY} bytes)"
	is "$(hdr etag "$h")" "$ztag" "$label: ETag $ztag"
	h=$(head_of "$url$T" -H 'Accept-Encoding: gzip' -H "If-None-Match: $ztag")
	is "$(head -1 <<<"$h") $(hdr etag "$h")" "HTTP/1.1 304 Not Modified $ztag" \
	    "$label: If-None-Match with it: 304, the same tag"
	h=$(head_of "$url$T" -H "If-None-Match: $ztag")
	is "$(head -1 <<<"$h") $(hdr etag "$h")" "HTTP/1.1 304 Not Modified $ETAG" \
	    "$label: ... without Accept-Encoding: 304 with the strong tag"
	is "$(head_of "$url$T" -H 'Accept-Encoding: gzip' -H "If-None-Match: \"x\", $ztag" | head -1)" \
	    "HTTP/1.1 304 Not Modified" "$label: in a list: 304"
	is "$(head_of "$url$T" -H 'Accept-Encoding: gzip' -H "If-None-Match: $ETAG" | head -1)" \
	    "HTTP/1.1 304 Not Modified" "$label: the app's own tag: 304"
	is "$(head_of "$url$T" -H 'Accept-Encoding: gzip' -H 'If-None-Match: "0000000000000000"' | head -1)" \
	    "HTTP/1.1 200 OK" "$label: another tag: 200"
	h=$(head_of "$url$T" -H 'Accept-Encoding: deflate, gzip;q=0')
	is "$(hdr content-encoding "$h")$(hdr etag "$h")" "$ETAG" "$label: gzip;q=0: not gzipped"
	h=$(head_of "$url$T")
	is "$(hdr content-encoding "$h")$(hdr etag "$h")" "$ETAG" "$label: not asked: no encoding, the app's ETag"
	is "$(cat "$TEST_TMP/body")" "$BODY" "$label: the golden bytes"
	h=$(head_of "$url/api/v1/stream?symbols=AAPL" -H 'Accept-Encoding: gzip' --max-time 2)
	is "$(hdr content-type "$h") $(hdr content-encoding "$h")" "text/event-stream " \
	    "$label: the stream is not compressed"
	like "$(cat "$TEST_TMP/body")" '^retry: [0-9]+' "$label: ... and its first block arrives"
	h=$(head_of "$url/api/v1/poll?symbols=AAPL&since=0" -H 'Accept-Encoding: gzip')
	is "$(hdr content-encoding "$h")" gzip "$label: a poll answer with ticks: gzip"
	like "$(gzip -dc "$TEST_TMP/body")" '^\{"cursor":15,"ticks":\[\{"id":1,' "$label: ... the ticks"
}

stack_start_app "$TEST_TMP/golden.db" >/dev/null
ok $? "app listening"
stack_start_nginx >/dev/null
ok $? "nginx started"
# small LABEL URL: quotes?symbols=AAPL, 93 bytes, through an Apache
# with mod_deflate: gzipped there, its tag "...-gzip" gives a 304.
S=/api/v1/quotes?symbols=AAPL
SETAG='"0942e4e976c79044"'
small() {
	local h
	h=$(head_of "$2$S" -H 'Accept-Encoding: gzip')
	is "$(hdr content-encoding "$h") $(hdr etag "$h")" "gzip ${SETAG%\"}-gzip\"" \
	    "$1: a 93-byte answer gzipped by mod_deflate, its tag suffixed"
	is "$(head_of "$2$S" -H 'Accept-Encoding: gzip' -H "If-None-Match: ${SETAG%\"}-gzip\"" | head -1)" \
	    "HTTP/1.1 304 Not Modified" "$1: that tag gives a 304"
}

check nginx "$STACK_URL" "W/$ETAG"
h=$(head_of "$STACK_URL$S" -H 'Accept-Encoding: gzip')
is "$(hdr content-encoding "$h") $(hdr etag "$h")" " $SETAG" \
    "nginx: an answer under 256 bytes is not compressed"
h=$(head_of "$STACK_URL/api/v1/ticks?symbol=NOPE" -H 'Accept-Encoding: gzip')
is "$(hdr content-encoding "$h")" "" "nginx: nor an error"
is "$(cat "$TEST_TMP/body")" "$(sed '1,/^$/d' "$ROOT/tests/golden/expected/bad_unknown_symbol")" \
    "nginx: ... which is the golden one"

for mode in proxy_fcgi fcgid cgi; do
	stack_start_apache "$mode" "$TEST_TMP/golden.db" >/dev/null
	ok $? "apache $mode started"
	check "apache-$mode" "$STACK_URL" "W/$ETAG"
	small "apache-$mode" "$STACK_URL"
done

# Shared hosting without mod_deflate: the .htaccess still works.
stack_kill_pidfile "$STACK_DIR/apache-cgi/httpd.pid"
STACK_APACHE_DEFLATE=0 stack_start_apache cgi "$TEST_TMP/golden.db" >/dev/null
ok $? "apache cgi without mod_deflate and mod_filter started"
h=$(head_of "$STACK_URL$T" -H 'Accept-Encoding: gzip')
is "$(head -1 <<<"$h") $(hdr content-encoding "$h") $(hdr etag "$h")" "HTTP/1.1 200 OK gzip W/$ETAG" \
    "no mod_deflate: the app's gzip"
is "$(gzip -dc "$TEST_TMP/body")" "$BODY" "no mod_deflate: the golden bytes"
is "$(head_of "$STACK_URL$T" -H 'Accept-Encoding: gzip' -H "If-None-Match: W/$ETAG" | head -1)" \
    "HTTP/1.1 304 Not Modified" "no mod_deflate: 304"
h=$(head_of "$STACK_URL$S" -H 'Accept-Encoding: gzip')
is "$(hdr content-encoding "$h") $(hdr etag "$h")" " $SETAG" \
    "no mod_deflate: a small answer as it is"
done_testing
