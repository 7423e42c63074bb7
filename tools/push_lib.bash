# Shared by bench/push.sh and tests/push/*.t (sourced, not run):
# finds the load client and feeds ticks in bursts.

# push_build_client: sets PUSHLOAD to the load client `make` built
# (bench/bench.mk, with the build's own flags); fails when it is missing.
push_build_client() {
	local root=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
	local build=${BUILD:-build}
	case $build in /*) ;; *) build=$root/$build ;; esac
	PUSHLOAD=$build/tools/pushload
	[ -x "$PUSHLOAD" ] && return 0
	echo "push: $PUSHLOAD is missing: run make first" >&2
	return 1
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
