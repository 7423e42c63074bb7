-- Schema 2 -> 3: the exact notional of every candle (for its VWAP) and
-- the store's trading zone (issue #18).  Run by `tickfeed-ingest
-- migrate` inside one transaction; it needs the SQL functions that
-- tickfeed-ingest registers (ingest/sqlfn.c), not the sqlite3 shell:
-- tf_notional_hi(a, b, c, d) and tf_notional_lo(...) are the parts
-- (/ and % 10^18) of the exact sum of a * b + c * d over the rows, NULL
-- when any argument of any row is NULL.  See docs/store.md.
ALTER TABLE candles ADD COLUMN notional_hi INTEGER;
ALTER TABLE candles ADD COLUMN notional_lo INTEGER;

-- 1m rows from their ticks, through the (symbol_id, ts, nkey) index; a
-- minute some of whose ticks were pruned (fewer ticks than trades) has an
-- unknown notional: NULL.
UPDATE candles SET (notional_hi, notional_lo) = (
    SELECT CASE WHEN count(*) = candles.trades
            THEN tf_notional_hi(x.price, x.size, 0, 0) END,
        CASE WHEN count(*) = candles.trades
            THEN tf_notional_lo(x.price, x.size, 0, 0) END
    FROM ticks AS x WHERE x.symbol_id = candles.symbol_id
        AND x.ts >= candles.t AND x.ts < candles.t + 60000)
WHERE iv = 1;

-- The longer levels from their 1m rows (a schema-2 store is UTC: a
-- bucket is [t, t + iv minutes)); NULL when any minute's is.
UPDATE candles SET (notional_hi, notional_lo) = (
    SELECT tf_notional_hi(m.notional_hi, 1000000000000000000,
            m.notional_lo, 1),
        tf_notional_lo(m.notional_hi, 1000000000000000000,
            m.notional_lo, 1)
    FROM candles AS m WHERE m.symbol_id = candles.symbol_id AND m.iv = 1
        AND m.t >= candles.t AND m.t < candles.t + candles.iv * 60000)
WHERE iv > 1;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('tz', 'UTC');

PRAGMA user_version = 3;
