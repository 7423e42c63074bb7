# Benchmarks: each bench/NAME.sh prints its own table of figures and ratios
# against peers measured in the same run.  `make bench` runs them all,
# `make bench B=ingest` those whose name contains "ingest".
BENCH_SCRIPTS := $(sort $(wildcard bench/*.sh))
B ?=
bench: all
	@set -e; for s in $(BENCH_SCRIPTS); do \
	    case "$$s" in *"$(B)"*) echo "== $$s"; BUILD=$(BUILD) $$s ;; esac; \
	done
