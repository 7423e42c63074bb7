# ingest/: tickfeed-ingest.  libingest.a holds every object but main(), so
# unit tests and fuzzers link the parsers and the writer directly.
INGEST_SRCS	:= $(wildcard ingest/*.c)
INGEST_LIB_OBJS	:= $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out ingest/main.c,$(INGEST_SRCS))) \
		   $(BUILD)/obj/ingest/migrate_sql.o
LIBINGEST	:= $(BUILD)/libingest.a
INGEST_BIN	:= $(BUILD)/bin/tickfeed-ingest
LDLIBS_INGEST	= -lcsv -lnettle -lhiredis
INGEST_MIGRATIONS := $(sort $(wildcard sql/migrate/[0-9]*.sql))

TEST_LIBS	+= $(LIBINGEST)
TEST_LDLIBS	+= -lcsv -lnettle -lhiredis
TEST_CPPFLAGS	+= -Iingest
CLEAN_EXTRA	+= ingest/tickfeed-ingest

all: $(INGEST_BIN)
ifeq ($(BUILD),build)
all: ingest/tickfeed-ingest
endif

$(LIBINGEST): $(INGEST_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(INGEST_BIN): $(BUILD)/obj/ingest/main.o $(LIBINGEST) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_INGEST) $(LDLIBS_DB) $(LDLIBS_JSON) $(LDLIBS)

ingest/tickfeed-ingest: $(INGEST_BIN)
	cp $< $@

# sql/migrate/NNN-what.sql compiled in as { NNN, "..." }, in order.
$(BUILD)/gen/migrate_sql.c: $(INGEST_MIGRATIONS) ingest/ingest.mk
	@mkdir -p $(dir $@)
	{ echo '/* generated from sql/migrate/; do not edit */'; \
	  echo '#include "migrate_sql.h"'; \
	  echo 'const struct migrate_sql migrate_scripts[] = {'; \
	  for f in $(INGEST_MIGRATIONS); do \
	    n=$$(basename $$f | sed 's/^0*\([0-9][0-9]*\).*/\1/'); \
	    echo "{ $$n, "; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; \
	    echo '},'; \
	  done; \
	  echo '{ 0, 0 } };'; } > $@

$(BUILD)/obj/ingest/migrate_sql.o: $(BUILD)/gen/migrate_sql.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iingest $(CFLAGS) -c -o $@ $<

# The bare insert loop the ingest benchmark compares against.
$(BUILD)/bench/ingest_bare: bench/ingest_bare.c $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBTICKFEED) \
	    $(LDLIBS_DB) $(LDLIBS)
bench: $(BUILD)/bench/ingest_bare

.PHONY: install-ingest
install: install-ingest
install-ingest: $(INGEST_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 755 $(INGEST_BIN) $(DESTDIR)$(BINDIR)/tickfeed-ingest
	install -m 644 ingest/tickfeed-ingest.1 $(DESTDIR)$(MANDIR)/man1/tickfeed-ingest.1
	install -m 644 sql/schema.sql $(DESTDIR)$(DATADIR)/schema.sql
