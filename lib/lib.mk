# lib/: the static library both programs link.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/schema_sql.o
LIBTICKFEED := $(BUILD)/libtickfeed.a

all: $(LIBTICKFEED)

$(LIBTICKFEED): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# sql/schema.sql compiled in as a C string, so a new database needs no
# file beside the binary.
$(BUILD)/gen/schema_sql.c: sql/schema.sql
	@mkdir -p $(dir $@)
	{ echo '/* generated from sql/schema.sql; do not edit */'; \
	  echo 'const char db_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/obj/schema_sql.o: $(BUILD)/gen/schema_sql.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<
