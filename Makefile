# tickfeed: the one entry point.  Each part keeps its own rules in a
# fragment beside its code (lib/lib.mk, ingest/ingest.mk, ...); this file
# holds the flags, the generic rules and the top-level targets.
#
#   make            build everything        make test      all tests
#   make demo       simulator + app + nginx  make bench     benchmarks
#   make sanitize   unit tests, ASan+UBSan   make valgrind  unit tests, memcheck
#   make fuzz       every fuzz harness, FUZZ_TIME seconds each
#   make test-fleet the fleet (origin, Redis, edges, HAProxy) on loopback
#   make install PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/tickfeed
DESTDIR	?=

BUILD	?= build
CC	?= cc
PKG_CONFIG ?= pkg-config

# Warnings in one block; -Werror unless WERROR= is given.  `make flags`
# prints what reaches the compiler (bgplgd lost two warnings to a typo).
WARNINGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2 \
	   -Wformat-security -Wvla
WERROR	?= -Werror
OPT	?= -O2 -g
SAN	?=
CPPFLAGS += -D_GNU_SOURCE -Ilib
CFLAGS	+= -std=c11 $(OPT) $(WARNINGS) $(WERROR) $(SAN) \
	   $(shell $(PKG_CONFIG) --cflags sqlite3 jansson 2>/dev/null)
LDFLAGS	+= $(SAN)
LDLIBS_DB = $(shell $(PKG_CONFIG) --libs sqlite3 2>/dev/null || echo -lsqlite3)
LDLIBS_JSON = $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
LDLIBS	+= -lpthread -lm

.PHONY: all test test-sanitize unit sanitize valgrind fuzz bench demo install clean deps flags lint
SHELL := /bin/bash
all:

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Every part's fragment must exist: a missing one is an error, never a
# part silently left out of the build or the tests.
include lib/lib.mk
include ingest/ingest.mk
include cgi-bin/cgi.mk
include tests/tests.mk
include tools/tools.mk
include bench/bench.mk
include bench/soak.mk
include www/www.mk
include ansible/ansible.mk
include tests/fleet/fleet.mk

flags:
	@echo 'CC=$(CC)'; echo 'CPPFLAGS=$(CPPFLAGS)'; echo 'CFLAGS=$(CFLAGS)'
	@echo 'LDFLAGS=$(LDFLAGS)'; echo 'LDLIBS=$(LDLIBS)'

deps:
	scripts/deps.sh

clean:
	rm -rf build build-san build-vg build-fuzz $(CLEAN_EXTRA)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
