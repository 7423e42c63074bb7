# Benchmarks: each bench/NAME.sh prints its own table of figures and ratios
# against peers measured in the same run.  `make bench` runs them all,
# `make bench B=ingest` those whose name contains "ingest".
BENCH_SCRIPTS := $(sort $(wildcard bench/*.sh))
B ?=
bench: all
	@set -e; for s in $(BENCH_SCRIPTS); do \
	    case "$$s" in *"$(B)"*) echo "== $$s"; BUILD=$(BUILD) $$s ;; esac; \
	done

# The load client (tests/push and bench/push.sh), bench/pushload*.c.
# Built here, with the build's own flags (sanitizers included), as part
# of `all`.
PUSHLOAD := $(BUILD)/bench/pushload
PUSHLOAD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard bench/pushload*.c))
all: $(PUSHLOAD)
$(PUSHLOAD): $(PUSHLOAD_OBJS) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(PUSHLOAD_OBJS) $(LIBTICKFEED) \
	    $(LDLIBS_DB) $(LDLIBS)
