# Fuzzing with libFuzzer (clang).  A harness is tests/fuzz/fuzz_NAME.c
# defining LLVMFuzzerTestOneInput; its seeds live in tests/fuzz/corpus/NAME/.
# Everything is rebuilt with clang in build-fuzz/ so the normal build stays.
#
#   make fuzz FUZZ_TIME=60      each harness for 60 s (new inputs kept in
#                               build-fuzz/corpus/NAME, crashes in build-fuzz/)
#   make fuzz-seeds             each harness over its seeds once (regression)
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_TIME  ?= 30
FUZZ_FLAGS = CC=clang BUILD=build-fuzz OPT='-O1 -g' \
	SAN='-fsanitize=address,undefined -fsanitize=fuzzer-no-link'

.PHONY: fuzz fuzz-build fuzz-seeds
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(TEST_LIBS) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(TEST_LIBS) $(LIBTICKFEED) $(TEST_LDLIBS) $(LDLIBS_DB) \
	    $(LDLIBS_JSON) $(LDLIBS)

fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

fuzz:
	$(MAKE) $(FUZZ_FLAGS) fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
	    mkdir -p build-fuzz/corpus/$$n build-fuzz/crashes/$$n; \
	    echo "fuzz: $$n for $(FUZZ_TIME) s"; \
	    build-fuzz/fuzz/fuzz_$$n -max_total_time=$(FUZZ_TIME) \
	        -artifact_prefix=build-fuzz/crashes/$$n/ -print_final_stats=1 \
	        build-fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>&1 | \
	        grep -E '^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY)' ; \
	    test $${PIPESTATUS[0]} -eq 0; done

fuzz-seeds:
	$(MAKE) $(FUZZ_FLAGS) fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
	    build-fuzz/fuzz/fuzz_$$n -runs=0 tests/fuzz/corpus/$$n >/dev/null 2>&1 \
	        || { echo "fuzz-seeds: $$n FAILED"; exit 1; }; \
	    echo "fuzz-seeds: $$n ok"; done
