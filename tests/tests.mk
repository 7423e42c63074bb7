# tests/: unit tests are tests/unit/test_*.c (one per concern, TAP output),
# everything else is an executable tests/<suite>/*.t script.  `make test`
# runs them all through tests/run; `make test T=ingest` runs those whose
# path contains "ingest".
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SCRIPT_TESTS := $(sort $(wildcard tests/*/*.t))
T ?=
SKIP_TESTS ?=
ALL_TESTS = $(filter-out $(SKIP_TESTS),$(if $(T),$(foreach t,$(UNIT_BINS) $(SCRIPT_TESTS),$(if $(findstring $(T),$(t)),$(t))),$(UNIT_BINS) $(SCRIPT_TESTS)))

# Unit tests and fuzzers link every part's library: a fragment adds its
# own with  TEST_LIBS += $(BUILD)/libingest.a  and  TEST_LDLIBS += -lcsv
$(BUILD)/tests/%: tests/unit/%.c $(TEST_LIBS) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(TEST_CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
	    -o $@ $< $(TEST_LIBS) $(LIBTICKFEED) $(TEST_LDLIBS) $(LDLIBS_DB) \
	    $(LDLIBS_JSON) $(LDLIBS)

unit: all $(UNIT_BINS)
	BUILD=$(BUILD) tests/run $(UNIT_BINS)

test: all $(UNIT_BINS)
	BUILD=$(BUILD) SAN='$(SAN)' tests/run $(ALL_TESTS)

# The unit tests again under ASan+UBSan and under valgrind, each in its own
# build directory so the normal build is untouched.
sanitize:
	$(MAKE) BUILD=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	    unit

# The whole suite once more with every binary built under ASan+UBSan.  Left
# out: the Ansible deploys (they build their own binaries inside their roots) and
# the valgrind run (valgrind cannot run an ASan binary; it runs in make test).
SANITIZE_FLAGS = BUILD=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
	SAN='-fsanitize=address,undefined -fno-sanitize-recover=all'
test-sanitize:
	$(MAKE) $(SANITIZE_FLAGS) SKIP_TESTS='tests/ansible/deploy.t tests/ansible/fleet_deploy.t tests/valgrind/golden.t' test

valgrind:
	$(MAKE) BUILD=build-vg all $(patsubst $(BUILD)/%,build-vg/%,$(UNIT_BINS))
	@set -e; for t in $(patsubst $(BUILD)/%,build-vg/%,$(UNIT_BINS)); do \
	    valgrind -q --error-exitcode=99 --leak-check=full \
	        --errors-for-leak-kinds=definite,indirect $$t > /dev/null || \
	        { echo "valgrind: $$t failed"; exit 1; }; \
	    echo "valgrind: $$t clean"; done

include tests/fuzz/fuzz.mk
