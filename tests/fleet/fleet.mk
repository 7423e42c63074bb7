# tests/fleet/: tickfeed on more than one machine, played on this one
# (docs/scale.md).  `make test-fleet` runs tests/fleet/*.t (also part of
# `make test`); its programs are built with `all`, with the build's own
# flags (sanitizers included).
FLEETLOAD  := $(BUILD)/tests/fleetload
FLEETWATCH := $(BUILD)/tests/fleetwatch
all: $(FLEETLOAD) $(FLEETWATCH)
$(FLEETLOAD): tests/fleet/fleetload.c tests/fleet/fleetstat.c tests/fleet/fleetstat.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/fleet $(CFLAGS) $(LDFLAGS) -o $@ \
	    tests/fleet/fleetload.c tests/fleet/fleetstat.c $(LDLIBS_DB) $(LDLIBS)
$(FLEETWATCH): tests/fleet/fleetwatch.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS_DB) $(LDLIBS)

.PHONY: test-fleet
test-fleet: all
	BUILD=$(BUILD) tests/run $(sort $(wildcard tests/fleet/*.t))
