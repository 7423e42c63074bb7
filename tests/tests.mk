# tests/: unit tests are tests/unit/test_*.c (one per concern, TAP output),
# everything else is an executable tests/<suite>/*.t script.  `make test`
# runs them all through tests/run; `make test T=ingest` runs those whose
# path contains "ingest".
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SCRIPT_TESTS := $(sort $(wildcard tests/*/*.t))
T ?=
ALL_TESTS = $(if $(T),$(foreach t,$(UNIT_BINS) $(SCRIPT_TESTS),$(if $(findstring $(T),$(t)),$(t))),$(UNIT_BINS) $(SCRIPT_TESTS))

$(BUILD)/tests/%: tests/unit/%.c $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(TEST_EXTRA_OBJS_$*) $(LIBTICKFEED) $(LDLIBS_DB) $(LDLIBS_JSON) $(LDLIBS)

unit: all $(UNIT_BINS)
	BUILD=$(BUILD) tests/run $(UNIT_BINS)

test: all $(UNIT_BINS) $(TEST_DEPS)
	BUILD=$(BUILD) tests/run $(ALL_TESTS)

# The unit tests again under ASan+UBSan and under valgrind, each in its own
# build directory so the normal build is untouched.
sanitize:
	$(MAKE) BUILD=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	    unit $(SANITIZE_EXTRA)

valgrind:
	$(MAKE) BUILD=build-vg all $(patsubst $(BUILD)/%,build-vg/%,$(UNIT_BINS))
	@set -e; for t in $(patsubst $(BUILD)/%,build-vg/%,$(UNIT_BINS)); do \
	    valgrind -q --error-exitcode=99 --leak-check=full \
	        --errors-for-leak-kinds=definite,indirect $$t > /dev/null || \
	        { echo "valgrind: $$t failed"; exit 1; }; \
	    echo "valgrind: $$t clean"; done
