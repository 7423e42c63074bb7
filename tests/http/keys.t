#!/bin/bash
# API keys (TICKFEED_KEYS, API.md "Access keys") through every way the
# app is served: plain CGI, nginx, Apache mod_proxy_fcgi, mod_fcgid and
# mod_cgi (.htaccess), each configured with the snippets in conf/ as
# they are.  On every endpoint (poll answering at once and waiting,
# stream included) a good key, as Bearer and as cookie, gets exactly the
# answer the app gives with keys off; no key, a wrong key, a malformed
# one and a revoked one get their JSON 401/403, also when the answer is
# cached; health answers without a key; a preflight needs none.  The key
# file is made and changed with scripts/tickfeed-key while the servers
# run: a new key works, a revoked one is refused, within the documented
# second and without a restart; a file that does not parse leaves the
# keys in use as they were.  At the end no log, nor this test's own
# output, holds a key (checked against a decoy key that a client leaked
# into a query string, which the access logs do hold).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/golden/golden.sh"

test_stack apache2
KEYTOOL=$ROOT/scripts/tickfeed-key
# This test's own output is searched for keys too, at the end.
exec 3>&1 > >(tee "$TEST_TMP/tap.log")
TEE_PID=$!
export TICKFEED_NOW=$GOLDEN_NOW
DB=$TEST_TMP/golden.db
golden_db "$DB"
ok $? "fixture database built"

# --- the key file, made by the documented tool -----------------------
mkdir -p "$TEST_TMP/keys"
KF=$TEST_TMP/keys/api-keys
declare -A KEY
KEY[good]=$("$KEYTOOL" new "$KF" alice)
ok $? "tickfeed-key new: a key for alice"
KEY[revoked]=$("$KEYTOOL" new "$KF" bob) && "$KEYTOOL" revoke "$KF" bob
ok $? "tickfeed-key new, then revoke: bob's key"
rand_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
KEY[wrong]=$(rand_key)		# never in the file
KEY[malformed]=not-a-key	# too short to be one
KEY[decoy]=$(rand_key)		# leaked into a query string on purpose
like "${KEY[good]}" '^[A-Za-z0-9_-]{43}$' "a key is 43 base64url characters"
sha() { printf '%s' "$1" | sha256sum | cut -c1-64; }
is "$(cat "$KF")" "sha256:$(sha "${KEY[good]}") alice
sha256:$(sha "${KEY[revoked]}") bob revoked" \
    "the file holds the SHA-256 of each key, a name, the revoked mark"
is "$(printf '%s\n' "${KEY[good]}" | "$KEYTOOL" hash alice)" \
    "sha256:$(sha "${KEY[good]}") alice" "tickfeed-key hash: the same line from stdin"
is "$(stat -c %a "$KF")" 640 "a new key file is mode 0640"
out=$("$BIN/tickfeed.fcgi" -K "$KF" 2>&1)
is "$? $out" "0 $KF: 2 keys (1 of them revoked)" "tickfeed.fcgi -K checks the file"
chmod 644 "$KF"			# Apache's CGI runs as nobody here
export TICKFEED_KEYS=$KF

# --- what each request must answer ------------------------------------
EPS=(symbols quotes ticks candles poll poll_wait stream metrics)
declare -A TARGET=(
	[symbols]=/api/v1/symbols
	[quotes]='/api/v1/quotes?symbols=AAPL,MSFT'
	[ticks]='/api/v1/ticks?symbol=AAPL&limit=3'
	[candles]='/api/v1/candles?symbol=AAPL&interval=5m'
	[poll]='/api/v1/poll?symbols=AAPL&timeout=0'
	[poll_wait]='/api/v1/poll?symbols=AAPL&timeout=1'
	[stream]='/api/v1/stream?symbols=AAPL'
	[metrics]=/api/v1/metrics
	[health]=/api/v1/health
)
# Good first, so that the refusals meet answers already cached.
CREDS=(bearer:good cookie:good none bearer:wrong cookie:wrong
    bearer:malformed bearer:revoked cookie:revoked)
GOLDEN_HEADERS="status content-type cache-control www-authenticate access-control-allow-origin access-control-allow-headers"

# ask MODE TARGET CRED [HEADER]: the raw answer to a GET (HEADER: one
# more request header, "OPTIONS" for a preflight instead).
ask() {
	local mode=$1 target=$2 cred=$3 extra=${4:-} key= secs=5 query=
	[ "$cred" = none ] || key=${KEY[${cred#*:}]}
	# A stream answered 200 stays open: read what comes in its first
	# seconds (mod_fcgid may have to start a process for it first).
	case $target in *stream*) secs=3 ;; esac
	if [ "$mode" = cgi ]; then
		[ "${target%%\?*}" != "$target" ] && query=${target#*\?}
		local -a env=(REQUEST_METHOD=GET REQUEST_URI="$target"
		    QUERY_STRING="$query" GATEWAY_INTERFACE=CGI/1.1
		    TICKFEED_DB="$DB" TICKFEED_NOW="$GOLDEN_NOW")
		[ -n "${CGI_NOKEYS:-}" ] || env+=(TICKFEED_KEYS="$KF")
		[ "$extra" = OPTIONS ] && env+=(REQUEST_METHOD=OPTIONS)
		case $cred in
		bearer:*) env+=(HTTP_AUTHORIZATION="Bearer $key") ;;
		cookie:*) env+=(HTTP_COOKIE="theme=dark; tickfeed_key=$key") ;;
		esac
		case $extra in If-None-Match:*)
			env+=(HTTP_IF_NONE_MATCH="${extra#*: }") ;; esac
		# stdin a file: not a socket, which libfcgi takes for FastCGI.
		# KILL: a plain-CGI stream outlives TERM (to its 55 s end).
		timeout -s KILL "$((secs == 3 ? 1 : secs))" env -i PATH="$PATH" "${env[@]}" \
		    "$BIN/tickfeed.fcgi" </dev/null 2>>"$TEST_TMP/cgi-stderr.log"
		return 0
	fi
	local -a a=(-s -i -N --max-time "$secs")
	case $cred in
	bearer:*) a+=(-H "Authorization: Bearer $key") ;;
	cookie:*) a+=(-H "Cookie: theme=dark; tickfeed_key=$key") ;;
	esac
	case $extra in
	OPTIONS) a+=(-X OPTIONS) ;;
	?*) a+=(-H "$extra") ;;
	esac
	curl "${a[@]}" "${URL[$mode]}$target"
	return 0
}

# summary EP: the answer on stdin as compared: whole (normalised), but
# of a 200 only the opening event of a stream and the head of metrics.
summary() {
	local n
	n=$(golden_normalize)
	case $(printf '%s' "$n" | head -1)/$1 in
	"status: 200/stream")
		printf '%s' "$n" | sed -n '1,/^$/p;/^retry:/,/^event:/p' ;;
	"status: 200/metrics") printf '%s' "$n" | sed -n '1,/^$/p' ;;
	*) printf '%s' "$n" ;;
	esac
}

refusal() {	# refusal STATUS CODE MESSAGE [WWW-AUTHENTICATE]
	printf 'status: %s\ncontent-type: application/json\ncache-control: no-store\n%saccess-control-allow-origin: *\n\n{"error":{"code":"%s","message":"%s"}}' \
	    "$1" "${4:+www-authenticate: $4
}" "$2" "$3"
}
REALM='Bearer realm="tickfeed"'
W401_NONE=$(refusal 401 unauthorized "an API key is required: send Authorization: Bearer KEY, or the tickfeed_key cookie" "$REALM")
W401_BAD=$(refusal 401 invalid_key "the API key is not valid" "$REALM")
W403=$(refusal 403 key_revoked "this API key was revoked")
W503=$(refusal 503 keys_unavailable "the access keys cannot be read now; the app's log says why")

# The answers with keys off: what a good key must get.
declare -A WANT
for ep in "${EPS[@]}" health; do
	WANT[$ep]=$(CGI_NOKEYS=1 ask cgi "${TARGET[$ep]}" none | summary "$ep")
done
bad=
for ep in "${EPS[@]}" health; do
	[[ ${WANT[$ep]} == "status: 200"* ]] || bad+=" $ep"
done
is "$bad" "" "keys off: every endpoint answers 200 through plain CGI"
is "$(printf '%s' "${WANT[poll_wait]}" | tail -1)" '{"cursor":15,"ticks":[]}' \
    "keys off: the waiting poll ends empty after its second"
like "${WANT[stream]}" $'^status: 200\ncontent-type: text/event-stream.*\nretry: 2000\nid: 15\nevent: start$' \
    "keys off: the stream opens"

expected() {	# expected EP CRED
	case $2 in
	*:good) printf '%s' "${WANT[$1]}" ;;
	none) printf '%s' "$W401_NONE" ;;
	*:wrong|*:malformed) printf '%s' "$W401_BAD" ;;
	*:revoked) printf '%s' "$W403" ;;
	esac
}

# matrix MODE: every endpoint with every credential.
matrix() {
	local mode=$1 ep cred got t0 ms etag s0=$SECONDS
	for ep in "${EPS[@]}"; do
		for cred in "${CREDS[@]}"; do
			t0=$(date +%s%3N)
			got=$(ask "$mode" "${TARGET[$ep]}" "$cred" | summary "$ep")
			ms=$(( $(date +%s%3N) - t0 ))
			is "$got" "$(expected "$ep" "$cred")" "$mode: $ep, $cred"
			[ "$ep" = poll_wait ] && [ "${cred#*:}" = good ] &&
			    ok $([ "$ms" -ge 900 ]; echo $?) \
			    "$mode: $ep, $cred waited its second ($ms ms)"
		done
	done
	is "$(ask "$mode" "${TARGET[health]}" none | summary health)" \
	    "${WANT[health]}" "$mode: health answers without a key"
	like "$(ask "$mode" "${TARGET[symbols]}" none OPTIONS | golden_normalize)" \
	    $'^status: 204\n.*access-control-allow-headers: If-None-Match, Last-Event-ID, Cache-Control, Authorization$' \
	    "$mode: a preflight needs no key and allows Authorization"
	etag=$(ask "$mode" "${TARGET[quotes]}" bearer:good | tr -d '\r' |
	    sed -n 's/^ETag: //Ip')
	is "$(ask "$mode" "${TARGET[quotes]}" none "If-None-Match: $etag" |
	    summary quotes)" "$W401_NONE" \
	    "$mode: If-None-Match without a key: 401, not 304"
	is "$(ask "$mode" "/api/v1/symbols?tickfeed_key=${KEY[decoy]}" \
	    bearer:good | golden_normalize | sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p')" \
	    unknown_param "$mode: a key in the query string is not taken (400)"
	diag "$mode: $((SECONDS - s0)) s"
}

declare -A URL
matrix cgi

# --- the servers --------------------------------------------------------
STACK_NGINX_EXTRA="access_log $STACK_DIR/nginx-access.log combined;"
stack_start_app "$DB" >/dev/null
ok $? "app listening on a unix socket, keys on"
stack_start_nginx >/dev/null
ok $? "nginx started"
URL[nginx]=$STACK_URL
matrix nginx
for mode in proxy_fcgi fcgid cgi; do
	STACK_APACHE_EXTRA="LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"\" combined
	CustomLog $STACK_DIR/apache-$mode-access.log combined"
	stack_start_apache "$mode" "$DB" >/dev/null
	ok $? "apache $mode started"
	URL[apache-$mode]=$STACK_URL
	matrix "apache-$mode"
done

# --- the file changes on disk, the servers keep running ----------------
# status MODE CRED: the status of symbols with CRED.
status() {
	ask "$1" /api/v1/symbols "$2" | head -1 | sed -E 's/^(HTTP\/[0-9.]+|Status:) ([0-9]+).*/\2/'
}
# until_status MODE CRED STATUS: polls every 0.1 s for up to 3 s; prints
# the ms it took, or "never".
until_status() {
	local t0 i
	t0=$(date +%s%3N)
	for i in $(seq 30); do
		if [ "$(status "$1" "$2")" = "$3" ]; then
			echo $(( $(date +%s%3N) - t0 ))
			return 0
		fi
		sleep 0.1
	done
	echo never
}
RELOAD_MODES=(nginx apache-fcgid apache-cgi)
KEY[new]=$("$KEYTOOL" new "$KF" carol)
ok $? "tickfeed-key new: a key for carol, added while everything runs"
for mode in "${RELOAD_MODES[@]}"; do
	ms=$(until_status "$mode" bearer:new 200)
	like "$ms" '^[0-9]+$' "$mode: the new key works without a restart ($ms ms)"
done
"$KEYTOOL" revoke "$KF" alice
ok $? "tickfeed-key revoke: alice"
for mode in "${RELOAD_MODES[@]}"; do
	ms=$(until_status "$mode" bearer:good 403)
	like "$ms" '^[0-9]+$' "$mode: her key is refused as revoked without a restart ($ms ms)"
	ok $([ "$ms" != never ] && [ "$ms" -le 2500 ]; echo $?) \
	    "$mode: within the documented second (and the next look)"
done
cp -p "$KF" "$TEST_TMP/keys/saved"
printf 'sha256:%s carol\n%s\n' "$(sha "${KEY[new]}")" "this line is no entry" \
    >"$TEST_TMP/keys/broken"
chmod 644 "$TEST_TMP/keys/broken"
out=$("$BIN/tickfeed.fcgi" -K "$TEST_TMP/keys/broken" 2>&1)
is "$? $out" "1 $TEST_TMP/keys/broken: line 2: not sha256:<64 hex digits> (a raw key? store its hash: tickfeed-key hash)" \
    "tickfeed.fcgi -K refuses a broken file, naming the line"
mv "$TEST_TMP/keys/broken" "$KF"
sleep 1.5
for mode in nginx apache-fcgid; do
	is "$(status "$mode" bearer:new) $(status "$mode" bearer:good)" "200 403" \
	    "$mode: a file that does not parse leaves the keys in use as they were"
done
grep -qF "keys: $KF: line 2: not sha256:<64 hex digits>" "$STACK_DIR/app.log"
ok $? "the app's log says which line is wrong"
tail -3 "$STACK_DIR/app.log" | sed 's/^/# app.log: /'
is "$(ask cgi /api/v1/symbols bearer:new | golden_normalize)" "$W503" \
    "plain CGI has no keys read before: 503 keys_unavailable"
mv "$TEST_TMP/keys/saved" "$KF"
for mode in nginx apache-fcgid; do
	ms=$(until_status "$mode" bearer:new 200)
	like "$ms" '^[0-9]+$' "$mode: the repaired file is in use again ($ms ms)"
done

# A path the app cannot read (a directory: also for root): logged once,
# not every second, and the keys stay.
mv "$KF" "$TEST_TMP/keys/aside"
mkdir "$KF"
for i in $(seq 30); do status nginx bearer:new >/dev/null; sleep 0.1; done
is "$(status nginx bearer:new)" 200 "nginx: a key file it cannot read leaves the keys in use"
is "$(grep -cF "keys: $KF: Is a directory; the 3 keys read before stay in use" "$STACK_DIR/app.log")" 1 \
    "nginx: logged once, not at every look (3 s of requests)"
rmdir "$KF"
mv "$TEST_TMP/keys/aside" "$KF"

# A file that is not there yet: 503 until it is.
mv "$KF" "$TEST_TMP/keys/away"
is "$(ask cgi /api/v1/symbols bearer:new | golden_normalize)" "$W503" \
    "cgi: no key file at all: 503 keys_unavailable"
mv "$TEST_TMP/keys/away" "$KF"
is "$(status cgi bearer:new)" 200 "cgi: the file back: 200"

# --- no log holds a key ---------------------------------------------
stack_stop			# the servers' logs are complete
exec >&3 3>&-
wait "$TEE_PID"			# and so is this test's own
LOGS=(app.log nginx/error.log nginx-access.log apache-proxy_fcgi/error.log
    apache-proxy_fcgi-access.log apache-fcgid/error.log
    apache-fcgid-access.log apache-cgi/error.log apache-cgi-access.log)
missing=
for f in "${LOGS[@]}"; do [ -e "$STACK_DIR/$f" ] || missing+=" $f"; done
[ -s "$TEST_TMP/cgi-stderr.log" ] || missing+=" cgi-stderr.log"
[ -s "$TEST_TMP/tap.log" ] || missing+=" tap.log"
is "$missing" "" "every log to search was written: the app's, nginx's and each Apache's error and access logs, plain CGI's stderr, this test's output"
for f in nginx-access.log apache-proxy_fcgi-access.log apache-fcgid-access.log apache-cgi-access.log; do
	grep -qF -- "${KEY[decoy]}" "$STACK_DIR/$f"
	ok $? "$f holds the decoy key a client put in a query string (the search works)"
done
for k in good revoked wrong new; do
	hits=$(grep -rlF -D skip -- "${KEY[$k]}" "$TEST_TMP" | sed "s|$TEST_TMP/||")
	is "$hits" "" "no file under the test's directory holds the $k key"
done
done_testing
