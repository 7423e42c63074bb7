#include <stdlib.h>
#include <string.h>

#include "price.h"
#include "jsonw.h"

static void *(*jw_realloc)(void *, size_t) = realloc;

void
jw_set_alloc(void *(*re)(void *, size_t))
{
	jw_realloc = re != NULL ? re : realloc;
}

void
jw_init(struct jw *jw)
{
	memset(jw, 0, sizeof(*jw));
}

void
jw_free(struct jw *jw)
{
	free(jw->p);
	jw_init(jw);
}

char *
jw_take(struct jw *jw, size_t *len)
{
	char *p;

	if (jw->err || jw->p == NULL) {
		jw_free(jw);
		return NULL;
	}
	p = jw->p;
	*len = jw->len;
	jw_init(jw);
	return p;
}

int
jw_failed(const struct jw *jw)
{
	return jw->err;
}

/* Makes room for n more bytes (and a NUL); 0 or -1 with err latched. */
static int
jw_grow(struct jw *jw, size_t n)
{
	size_t	 cap;
	char	*p;

	if (jw->err)
		return -1;
	if (jw->len + n + 1 <= jw->cap)
		return 0;
	if (n > SIZE_MAX / 2 - jw->len) {
		jw->err = 1;
		return -1;
	}
	cap = jw->cap ? jw->cap : 256;
	while (cap < jw->len + n + 1)
		cap *= 2;
	if ((p = jw_realloc(jw->p, cap)) == NULL) {
		jw->err = 1;
		return -1;
	}
	jw->p = p;
	jw->cap = cap;
	return 0;
}

void
jw_raw(struct jw *jw, const char *s, size_t n)
{
	if (jw_grow(jw, n) == -1)
		return;
	memcpy(jw->p + jw->len, s, n);
	jw->len += n;
	jw->p[jw->len] = '\0';
}

void
jw_rawz(struct jw *jw, const char *s)
{
	jw_raw(jw, s, strlen(s));
}

void
jw_char(struct jw *jw, char c)
{
	jw_raw(jw, &c, 1);
}

/* Writes the comma a new key or array element needs. */
static void
jw_sep(struct jw *jw)
{
	char last;

	if (jw->len == 0 || jw->err)
		return;
	last = jw->p[jw->len - 1];
	if (last != '{' && last != '[' && last != ':')
		jw_char(jw, ',');
}

void
jw_obj_open(struct jw *jw)
{
	jw_sep(jw);
	jw_char(jw, '{');
}

void
jw_obj_close(struct jw *jw)
{
	jw_char(jw, '}');
}

void
jw_arr_open(struct jw *jw)
{
	jw_sep(jw);
	jw_char(jw, '[');
}

void
jw_arr_close(struct jw *jw)
{
	jw_char(jw, ']');
}

/* The string body with RFC 8259 escapes; bytes >= 0x80 pass unchanged. */
static void
jw_escape(struct jw *jw, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char		  esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t		  i, run = 0;
	unsigned char	  c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jw_raw(jw, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			jw_raw(jw, esc, 2);
			esc[1] = 'u';
			continue;
		}
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		jw_raw(jw, esc, 6);
	}
	jw_raw(jw, s + run, n - run);
}

void
jw_key(struct jw *jw, const char *k)
{
	jw_sep(jw);
	jw_char(jw, '"');
	jw_escape(jw, k, strlen(k));
	jw_raw(jw, "\":", 2);
}

void
jw_str(struct jw *jw, const char *s, size_t n)
{
	jw_sep(jw);
	jw_char(jw, '"');
	jw_escape(jw, s, n);
	jw_char(jw, '"');
}

void
jw_strz(struct jw *jw, const char *s)
{
	jw_str(jw, s, strlen(s));
}

void
jw_int(struct jw *jw, int64_t v)
{
	char		 tmp[24];
	size_t		 n = sizeof(tmp);
	uint64_t	 u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--n] = '-';
	jw_sep(jw);
	jw_raw(jw, tmp + n, sizeof(tmp) - n);
}

void
jw_bool(struct jw *jw, int v)
{
	jw_sep(jw);
	jw_rawz(jw, v ? "true" : "false");
}

void
jw_null(struct jw *jw)
{
	jw_sep(jw);
	jw_raw(jw, "null", 4);
}

void
jw_price(struct jw *jw, int64_t v, int decimals)
{
	char	 buf[PRICE_BUFSZ];
	size_t	 n;

	n = price_format(v, decimals, buf);
	jw_sep(jw);
	jw_raw(jw, buf, n);
}

void
jw_cents(struct jw *jw, int64_t v)
{
	/* Hundredths are a price with 2 decimals and a scale of 100. */
	jw_price(jw, v * (PRICE_SCALE / 100), 2);
}

void
jw_tick(struct jw *jw, const struct tick *t)
{
	jw_obj_open(jw);
	jw_kv_int(jw, "id", t->id);
	if (t->symbol != NULL)
		jw_kv_strz(jw, "symbol", t->symbol);
	jw_kv_int(jw, "ts", t->ts);
	jw_kv_price(jw, "price", t->price, t->decimals);
	jw_kv_int(jw, "size", t->size);
	jw_obj_close(jw);
}

void
jw_kv_int(struct jw *jw, const char *k, int64_t v)
{
	jw_key(jw, k);
	jw_int(jw, v);
}

void
jw_kv_strz(struct jw *jw, const char *k, const char *v)
{
	jw_key(jw, k);
	jw_strz(jw, v);
}

void
jw_kv_price(struct jw *jw, const char *k, int64_t v, int decimals)
{
	jw_key(jw, k);
	jw_price(jw, v, decimals);
}
