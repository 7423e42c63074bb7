/*
 * SQL functions the ingest tool registers on its connection, for the
 * statements that recompute candles in SQL (sql/migrate/003, set-tz):
 *
 *   tf_notional_hi(a, b, c, d), tf_notional_lo(a, b, c, d)
 *	aggregates: the exact sum of a * b + c * d over the rows (128 bits),
 *	split as the candles table keeps a notional: / and % 10^18 (C's
 *	truncation, so hi * 10^18 + lo is the sum).  NULL when any argument
 *	of any row is NULL, or over no rows; an error past 128 bits.
 *   tf_bucket(iv, t)
 *	the start of the bucket of level iv (minutes, candles.iv) holding t
 *	(ms), 1d and 1w in the calendar given at registration.
 */
#ifndef INGEST_SQLFN_H
#define INGEST_SQLFN_H

#include <sqlite3.h>

#include "tzcal.h"

/* Registers them on db; cal (not owned) must outlive db.  0 or -1. */
int	sqlfn_register(sqlite3 *db, struct tzcal *cal);

#endif
