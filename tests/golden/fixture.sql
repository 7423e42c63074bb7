-- Golden fixture: a few ticks on 2024-01-02/03 (UTC), far in the past so
-- that no candle is live unless TICKFEED_NOW says so.  Applied with the
-- sqlite3 CLI after sql/schema.sql; the derived tables (symbols.last_*,
-- candles at every level) are computed here in SQL: the 1m rows from the
-- ticks, the longer levels from the 1m rows as sql/migrate/002 does (the
-- aggregation schema 1 ran at every read), so the golden answers for
-- every interval are the ones derived from 1m rows.  The notional (for
-- vwap) is small here: one INTEGER holds it, split as the store keeps it.
BEGIN;
INSERT INTO symbols (id, symbol, decimals) VALUES
  (1, 'AAPL', 2), (2, 'MSFT', 2), (3, 'BRK.A', 0), (4, 'EURUSD', 5),
  (5, 'ZERO', 2);
-- 2024-01-02T23:58:00Z = 1704239880000
INSERT INTO ticks (symbol_id, ts, price, size, nkey) VALUES
  (1, 1704239880000, 18800000000, 100, 1),
  (2, 1704239880500, 37012000000, 50, 1),
  (1, 1704239885250, 18805000000, 200, 2),
  (1, 1704239945000, 18790000000, 10, 3),
  (4, 1704239950000, 109512000, 1000000, 1),
  (3, 1704239990000, 54700000000000, 1, 1),
  -- 2024-01-03 (the next UTC day): AAPL and MSFT trade on
  (1, 1704240000000, 18910000000, 300, 4),
  (2, 1704240001000, 36990000000, 20, 2),
  (1, 1704240059999, 18923000000, 50, 5),
  (1, 1704240300000, 18901000000, 75, 6),
  (4, 1704240310000, 109498000, 2000000, 2),
  (1, 1704243600000, 18950000000, 5, 7),
  -- a late tick: older ts than AAPL's newest, a new id
  (1, 1704240030000, 18899000000, 40, 8),
  (2, 1704326400000, 37100000000, 10, 3),
  (1, 1704326460000, 19000000000, 1, 9);
INSERT INTO candles (symbol_id, iv, t, open, high, low, close, volume, trades,
  open_ts, close_ts, first_id, last_id, notional_hi, notional_lo)
SELECT symbol_id, 1, m,
  (SELECT price FROM ticks x WHERE x.symbol_id = g.symbol_id
     AND x.ts - x.ts % 60000 = m ORDER BY ts, id LIMIT 1),
  max(price), min(price),
  (SELECT price FROM ticks x WHERE x.symbol_id = g.symbol_id
     AND x.ts - x.ts % 60000 = m ORDER BY ts DESC, id DESC LIMIT 1),
  sum(size), count(*), min(ts), max(ts), min(id), max(id),
  sum(price * size) / 1000000000000000000, sum(price * size) % 1000000000000000000
FROM (SELECT *, ts - ts % 60000 AS m FROM ticks) AS g
GROUP BY symbol_id, m;
WITH lv (iv, len, off) AS (VALUES (5, 300000, 0), (15, 900000, 0),
    (30, 1800000, 0), (60, 3600000, 0), (240, 14400000, 0),
    (1440, 86400000, 0), (10080, 604800000, 345600000))
INSERT INTO candles (symbol_id, iv, t, open, high, low, close, volume,
    trades, open_ts, close_ts, first_id, last_id, notional_hi, notional_lo)
SELECT g.symbol_id, g.iv, g.b, o.open, g.hi, g.lo, c.close, g.vol, g.n,
    o.open_ts, c.close_ts, g.f, g.l, g.nt / 1000000000000000000,
    g.nt % 1000000000000000000
FROM (SELECT m.symbol_id AS symbol_id, lv.iv AS iv,
        m.t - ((m.t - lv.off) % lv.len + lv.len) % lv.len AS b,
        min(m.t) AS t0, max(m.t) AS t1, max(m.high) AS hi, min(m.low) AS lo,
        sum(m.volume) AS vol, sum(m.trades) AS n, min(m.first_id) AS f,
        max(m.last_id) AS l,
        sum(m.notional_hi * 1000000000000000000 + m.notional_lo) AS nt
      FROM candles AS m, lv WHERE m.iv = 1
      GROUP BY m.symbol_id, lv.iv, b) AS g
JOIN candles AS o ON o.symbol_id = g.symbol_id AND o.iv = 1 AND o.t = g.t0
JOIN candles AS c ON c.symbol_id = g.symbol_id AND c.iv = 1 AND c.t = g.t1;
UPDATE symbols SET
  tick_count = (SELECT count(*) FROM ticks WHERE symbol_id = symbols.id),
  last_id = coalesce((SELECT id FROM ticks WHERE symbol_id = symbols.id
     ORDER BY ts DESC, id DESC LIMIT 1), 0),
  last_ts = coalesce((SELECT max(ts) FROM ticks WHERE symbol_id = symbols.id), 0),
  last_price = coalesce((SELECT price FROM ticks WHERE symbol_id = symbols.id
     ORDER BY ts DESC, id DESC LIMIT 1), 0),
  last_size = coalesce((SELECT size FROM ticks WHERE symbol_id = symbols.id
     ORDER BY ts DESC, id DESC LIMIT 1), 0),
  seq_id = coalesce((SELECT max(id) FROM ticks WHERE symbol_id = symbols.id), 0);
COMMIT;
