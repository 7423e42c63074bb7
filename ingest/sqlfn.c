#include <stdint.h>
#include <string.h>

#include "candles.h"
#include "interval.h"
#include "sqlfn.h"

/*
 * SQLite's aggregate context is only 8-byte aligned, so the 128-bit sum
 * is kept as bytes and copied in and out (UBSan caught the misaligned
 * access an __int128 member made).
 */
struct notional_acc {
	unsigned char	sum[sizeof(__int128)];
	int		null;		/* an argument was NULL */
	int		overflow;
};

static __int128
acc_sum(const struct notional_acc *acc)
{
	__int128 v;

	memcpy(&v, acc->sum, sizeof(v));
	return v;
}

static void
notional_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct notional_acc	*acc;
	__int128		 ab, cd, sum;
	int			 i;

	if ((acc = sqlite3_aggregate_context(ctx, sizeof(*acc))) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			acc->null = 1;
	if (acc->null || acc->overflow)
		return;
	ab = (__int128)sqlite3_value_int64(argv[0]) *
	    sqlite3_value_int64(argv[1]);
	cd = (__int128)sqlite3_value_int64(argv[2]) *
	    sqlite3_value_int64(argv[3]);
	sum = acc_sum(acc);
	if (__builtin_add_overflow(sum, ab, &sum) ||
	    __builtin_add_overflow(sum, cd, &sum))
		acc->overflow = 1;
	else
		memcpy(acc->sum, &sum, sizeof(sum));
}

static void
notional_final(sqlite3_context *ctx, int hi)
{
	struct notional_acc *acc = sqlite3_aggregate_context(ctx, 0);

	if (acc == NULL || acc->null)
		sqlite3_result_null(ctx);
	else if (acc->overflow)
		sqlite3_result_error(ctx, "tf_notional: beyond 128 bits", -1);
	else
		sqlite3_result_int64(ctx, hi ? (int64_t)(acc_sum(acc) /
		    NOTIONAL_SPLIT) : (int64_t)(acc_sum(acc) % NOTIONAL_SPLIT));
}

static void
notional_final_hi(sqlite3_context *ctx)
{
	notional_final(ctx, 1);
}

static void
notional_final_lo(sqlite3_context *ctx)
{
	notional_final(ctx, 0);
}

static void
bucket_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tzcal	*cal = sqlite3_user_data(ctx);
	int64_t		 m;
	int		 iv;

	(void)argc;
	m = sqlite3_value_int64(argv[0]);
	for (iv = 0; iv < IV__MAX; iv++)
		if (intervals[iv].minutes == m)
			break;
	if (iv == IV__MAX) {
		sqlite3_result_error(ctx, "tf_bucket: no such interval", -1);
		return;
	}
	sqlite3_result_int64(ctx, interval_bucket(cal, (enum interval)iv,
	    sqlite3_value_int64(argv[1]), NULL));
}

int
sqlfn_register(sqlite3 *db, struct tzcal *cal)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function_v2(db, "tf_notional_hi", 4, flags, NULL,
	    NULL, notional_step, notional_final_hi, NULL) != SQLITE_OK ||
	    sqlite3_create_function_v2(db, "tf_notional_lo", 4, flags, NULL,
	    NULL, notional_step, notional_final_lo, NULL) != SQLITE_OK ||
	    sqlite3_create_function_v2(db, "tf_bucket", 2, flags, cal,
	    bucket_fn, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}
