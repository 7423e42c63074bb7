# cgi-bin/: the FastCGI app.  Every object but main.o goes into libapp.a,
# which the unit tests and fuzzers link (tests/tests.mk).
APP_SRCS := $(filter-out cgi-bin/main.c,$(wildcard cgi-bin/*.c))
APP_OBJS := $(APP_SRCS:%.c=$(BUILD)/obj/%.o)
LIBAPP   := $(BUILD)/libapp.a
APP_BIN  := $(BUILD)/bin/tickfeed.fcgi
LDLIBS_APP = -lfcgi -luriparser -lnettle -lz

CLEAN_EXTRA += cgi-bin/tickfeed.fcgi
TEST_LIBS   += $(LIBAPP)
TEST_LDLIBS += $(LDLIBS_APP)
TEST_CPPFLAGS += -Icgi-bin

all: $(APP_BIN) cgi-bin/tickfeed.fcgi

$(LIBAPP): $(APP_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(APP_BIN): $(BUILD)/obj/cgi-bin/main.o $(LIBAPP) $(LIBTICKFEED)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_APP) $(LDLIBS_DB) $(LDLIBS_JSON) \
	    $(LDLIBS)

# The built app also lands beside its sources, where the Apache
# snippets (conf/) and shared hosting expect it.
cgi-bin/tickfeed.fcgi: $(APP_BIN)
	cp $< $@

.PHONY: install-cgi
install: install-cgi
install-cgi: $(APP_BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/conf \
	    $(DESTDIR)$(DATADIR)/www
	install -m 755 $(APP_BIN) $(DESTDIR)$(SBINDIR)/tickfeed.fcgi
	install -m 755 scripts/tickfeed-key $(DESTDIR)$(SBINDIR)/tickfeed-key
	cp -R conf/. $(DESTDIR)$(DATADIR)/conf/
	cp -R www/. $(DESTDIR)$(DATADIR)/www/
	rm -f $(DESTDIR)$(DATADIR)/www/*.mk

# make demo: installs what is missing, builds, and runs the simulator, the
# app and nginx on 127.0.0.1:8080 until Ctrl-C (scripts/demo.sh).
demo:
	scripts/demo.sh
