# Benchmarks: each bench/NAME.sh prints its own table of figures and ratios
# against peers measured in the same run.  `make bench` runs them all,
# `make bench B=ingest` those whose name contains "ingest".
BENCH_SCRIPTS := $(sort $(wildcard bench/*.sh))
B ?=
bench: all
	@set -e; for s in $(BENCH_SCRIPTS); do \
	    case "$$s" in *"$(B)"*) echo "== $$s"; BUILD=$(BUILD) $$s ;; esac; \
	done

# The long-poll load client (tests/push and bench/push.sh).  Built here,
# with the build's own flags (sanitizers included), as part of `all`.
PUSHLOAD := $(BUILD)/bench/pushload
all: $(PUSHLOAD)
$(PUSHLOAD): bench/pushload.c $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTICKFEED) \
	    $(LDLIBS_DB) $(LDLIBS)
