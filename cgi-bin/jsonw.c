#include <string.h>

#include "jsonw.h"
#include "price.h"

/* Writes the comma a new key or array element needs. */
static void
jw_sep(struct buf *b)
{
	char last;

	if (b->len == 0 || b->oom)
		return;
	last = b->p[b->len - 1];
	if (last != '{' && last != '[' && last != ':')
		buf_addc(b, ',');
}

void
jw_obj_open(struct buf *b)
{
	jw_sep(b);
	buf_addc(b, '{');
}

void
jw_obj_close(struct buf *b)
{
	buf_addc(b, '}');
}

void
jw_arr_open(struct buf *b)
{
	jw_sep(b);
	buf_addc(b, '[');
}

void
jw_arr_close(struct buf *b)
{
	buf_addc(b, ']');
}

/* The string body with RFC 8259 escapes; bytes >= 0x80 pass unchanged. */
static void
jw_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char		  esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t		  i, run = 0;
	unsigned char	  c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			buf_add(b, esc, 2);
			esc[1] = 'u';
			continue;
		}
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		buf_add(b, esc, 6);
	}
	buf_add(b, s + run, n - run);
}

void
jw_key(struct buf *b, const char *k)
{
	jw_sep(b);
	buf_addc(b, '"');
	jw_escape(b, k, strlen(k));
	buf_add(b, "\":", 2);
}

void
jw_str(struct buf *b, const char *s, size_t n)
{
	jw_sep(b);
	buf_addc(b, '"');
	jw_escape(b, s, n);
	buf_addc(b, '"');
}

void
jw_strz(struct buf *b, const char *s)
{
	jw_str(b, s, strlen(s));
}

void
jw_int(struct buf *b, int64_t v)
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
	jw_sep(b);
	buf_add(b, tmp + n, sizeof(tmp) - n);
}

void
jw_bool(struct buf *b, int v)
{
	jw_sep(b);
	buf_addz(b, v ? "true" : "false");
}

void
jw_null(struct buf *b)
{
	jw_sep(b);
	buf_add(b, "null", 4);
}

void
jw_price(struct buf *b, int64_t v, int decimals)
{
	char	 tmp[PRICE_BUFSZ];
	size_t	 n;

	n = price_format(v, decimals, tmp);
	jw_sep(b);
	buf_add(b, tmp, n);
}

void
jw_cents(struct buf *b, int64_t v)
{
	/* Hundredths are a price with 2 decimals and a scale of 100. */
	jw_price(b, v * (PRICE_SCALE / 100), 2);
}

void
jw_tick(struct buf *b, const struct tick *t)
{
	jw_obj_open(b);
	jw_kv_int(b, "id", t->id);
	if (t->symbol != NULL)
		jw_kv_strz(b, "symbol", t->symbol);
	jw_kv_int(b, "ts", t->ts);
	jw_kv_price(b, "price", t->price, t->decimals);
	jw_kv_int(b, "size", t->size);
	jw_obj_close(b);
}

void
jw_kv_int(struct buf *b, const char *k, int64_t v)
{
	jw_key(b, k);
	jw_int(b, v);
}

void
jw_kv_strz(struct buf *b, const char *k, const char *v)
{
	jw_key(b, k);
	jw_strz(b, v);
}

void
jw_kv_price(struct buf *b, const char *k, int64_t v, int decimals)
{
	jw_key(b, k);
	jw_price(b, v, decimals);
}
