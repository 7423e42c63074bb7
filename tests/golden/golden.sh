# tests/golden/golden.sh: the golden request suite, sourced by
# tests/cgi/golden.t (plain CGI) and tests/http/golden.t (nginx, Apache).
#
# cases: one request a line, tab-separated: NAME METHOD TARGET [HEADER]
#   TARGET is the path and query as sent ("\xNN" escapes allowed);
#   HEADER is one "Name: value" line, or "body=TEXT" to send a body.
# expected/NAME: what the answer must be, normalised by golden_normalize:
#   the status, the headers that matter (lower-case, fixed order), a blank
#   line, the body bytes.
# The fixture database is built from fixture.sql; the clock is fixed with
# TICKFEED_NOW (GOLDEN_NOW) so `live`, day change and ages are exact.

GOLDEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GOLDEN_NOW=1704326490000	# 2024-01-04T00:01:30Z: AAPL's last minute is live
GOLDEN_HEADERS="status content-type cache-control etag allow access-control-allow-origin access-control-allow-methods access-control-allow-headers access-control-max-age x-content-type-options"

# golden_db PATH: the fixture database, rollback journal so that readers
# running as another user (Apache's nobody) need only read access.
golden_db() {
	local db=$1 root
	root=$(cd "$GOLDEN_DIR/../.." && pwd)
	rm -f "$db"
	sqlite3 "$db" <"$root/sql/schema.sql" >/dev/null &&
	    sqlite3 "$db" <"$GOLDEN_DIR/fixture.sql" &&
	    sqlite3 "$db" 'PRAGMA journal_mode=DELETE' >/dev/null &&
	    chmod 644 "$db"
}

# golden_cases: prints the case lines (no comments, no blanks).
golden_cases() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$GOLDEN_DIR/cases"
}

# golden_normalize: a raw answer (CGI "Status:" or HTTP status line,
# headers, blank line, body) on stdin -> the normalised form on stdout.
golden_normalize() {
	python3 -c '
import sys
want = sys.argv[1].split()
raw = sys.stdin.buffer.read()
head, sep, body = raw.partition(b"\r\n\r\n")
if not sep:
    head, sep, body = raw.partition(b"\n\n")
lines = head.decode("latin-1").replace("\r", "").split("\n")
hdr = {}
first = lines[0]
if first.startswith("HTTP/"):
    hdr["status"] = first.split()[1]
    lines = lines[1:]
for l in lines:
    k, _, v = l.partition(":")
    k = k.strip().lower()
    if k == "status":
        v = v.strip().split()[0]
    hdr.setdefault(k, v.strip())
out = "".join("%s: %s\n" % (k, hdr[k]) for k in want if k in hdr)
sys.stdout.buffer.write(out.encode("latin-1") + b"\n" + body)
' "$GOLDEN_HEADERS"
}

# golden_cgi DB METHOD TARGET [HEADER]: runs the app once as plain CGI.
golden_cgi() {
	local db=$1 method=$2 target header=${4:-} path query="" body=""
	target=$(printf '%b' "$3")
	path=${target%%\?*}
	[ "$path" != "$target" ] && query=${target#*\?}
	local -a args=() env=(REQUEST_METHOD="$method" REQUEST_URI="$target"
	    QUERY_STRING="$query" SCRIPT_NAME=/tickfeed.fcgi
	    GATEWAY_INTERFACE=CGI/1.1
	    SERVER_PROTOCOL=HTTP/1.1 TICKFEED_DB="$db"
	    TICKFEED_NOW="$GOLDEN_NOW")
	case $header in
	body=*) body=${header#body=}
		env+=(CONTENT_LENGTH="${#body}" CONTENT_TYPE=text/plain) ;;
	?*)	local name=${header%%:*} value=${header#*: }
		name=HTTP_$(echo "$name" | tr 'a-z-' 'A-Z_')
		env+=("$name=$value") ;;
	esac
	# RFC 3875 4.4: a query without '=' also arrives as argv words.
	[ -n "$query" ] && [ "${query#*=}" = "$query" ] &&
	    read -r -a args <<<"${query//+/ }"
	printf '%s' "$body" | env -i PATH="$PATH" "${env[@]}" \
	    "${GOLDEN_APP:-$BIN/tickfeed.fcgi}" "${args[@]}" 2>/dev/null |
	    golden_normalize
}

# golden_http URL METHOD TARGET [HEADER]: the same request over HTTP.
golden_http() {
	local url=$1 method=$2 target header=${4:-}
	target=$(printf '%b' "$3")
	local -a args=(-s -i --path-as-is --max-time 20 -H 'Expect:')
	case $method in
	HEAD) args+=(-I) ;;
	*) args+=(-X "$method") ;;
	esac
	case $header in
	body=*) args+=(--data-binary "${header#body=}" -H 'Content-Type: text/plain') ;;
	?*) args+=(-H "$header") ;;
	esac
	curl "${args[@]}" "$url$target" | golden_normalize
}
