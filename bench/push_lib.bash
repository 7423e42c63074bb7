# Shared by bench/push.sh and tests/push/*.t (sourced, not run):
# builds the load client and feeds ticks in bursts.

# push_build_client: compiles bench/pushload.c into $BUILD/bench/pushload
# (with the project's warnings) when it is missing or older than its source.
push_build_client() {
	local root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
	local build=${BUILD:-build} out
	case $build in /*) ;; *) build=$root/$build ;; esac
	out=$build/bench/pushload
	PUSHLOAD=$out
	[ -x "$out" ] && [ "$out" -nt "$root/bench/pushload.c" ] && return 0
	mkdir -p "$build/bench"
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -I"$root/lib" -Wall -Wextra \
	    -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	    -Werror -o "$out" "$root/bench/pushload.c" \
	    "$build/libtickfeed.a" -lsqlite3 -lpthread
}

PUSH_SYMBOLS=AAPL,MSFT,IBM,GOOG,AMZN,TSLA,NVDA,META,BRK.B,JPM

# push_feed DB BURSTS COUNT: BURSTS commits of simulated ticks, COUNT ticks
# each over the ten symbols, one transaction per 250 ticks, a pause
# between bursts.
push_feed() {
	local db=$1 bursts=$2 count=$3 i
	for ((i = 1; i <= bursts; i++)); do
		"$BIN/tickfeed-ingest" --db "$db" -q simulate \
		    --symbols "$PUSH_SYMBOLS" --seed "$RANDOM$i" --count "$count" \
		    --rate 20000 --batch 250 || return 1
		sleep 0.2
	done
}
