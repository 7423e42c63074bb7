# tools/: what the tests, the benchmarks and the demo share.
#   stack.sh       starts the web stack (app, nginx, Apache) on loopback
#   push_lib.bash  the push tests' and bench's load client and feeder
#   pushload*.c    the long-poll/SSE load client: a correctness checker
#                  (missed, doubled, out of order) for tests/push and the
#                  latency client of bench/push.sh
# pushload is built here, with the build's own flags (sanitizers
# included), as part of `all`.
PUSHLOAD := $(BUILD)/tools/pushload
PUSHLOAD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tools/pushload*.c))
all: $(PUSHLOAD)
$(PUSHLOAD): $(PUSHLOAD_OBJS) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(PUSHLOAD_OBJS) $(LIBTICKFEED) \
	    $(LDLIBS_DB) $(LDLIBS)
