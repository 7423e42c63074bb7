-- Schema 1 -> 2: the candles of every interval kept at ingest (issue #14).
-- Run by `tickfeed-ingest migrate` inside one transaction (BEGIN
-- IMMEDIATE ... COMMIT): a reader sees version 1 or version 2, never a
-- half.  See docs/store.md for what changes and what it costs.
--
-- candles_1m becomes the iv = 1 level of candles, with first_id (the
-- smallest tick id of the minute) read from the ticks through the
-- (symbol_id, ts, nkey) index; a minute whose ticks were all pruned gets
-- first_id = last_id (no tick of it is left to bound).  min(+x.id): a
-- bare min(id) makes SQLite walk the (symbol_id, id) index for the first
-- id whose ts fits, which is quadratic in the store.
CREATE TABLE candles (
    symbol_id  INTEGER NOT NULL REFERENCES symbols(id),
    iv         INTEGER NOT NULL,
    t          INTEGER NOT NULL,
    open       INTEGER NOT NULL,
    high       INTEGER NOT NULL,
    low        INTEGER NOT NULL,
    close      INTEGER NOT NULL,
    volume     INTEGER NOT NULL,
    trades     INTEGER NOT NULL,
    open_ts    INTEGER NOT NULL,
    close_ts   INTEGER NOT NULL,
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    PRIMARY KEY (symbol_id, iv, t)
) WITHOUT ROWID;

INSERT INTO candles (symbol_id, iv, t, open, high, low, close, volume,
    trades, open_ts, close_ts, first_id, last_id)
SELECT c.symbol_id, 1, c.t, c.open, c.high, c.low, c.close, c.volume,
    c.trades, c.open_ts, c.close_ts,
    coalesce((SELECT min(+x.id) FROM ticks AS x WHERE x.symbol_id = c.symbol_id
        AND x.ts >= c.t AND x.ts < c.t + 60000), c.last_id),
    c.last_id
FROM candles_1m AS c ORDER BY c.symbol_id, c.t;

DROP TABLE candles_1m;

-- The coarser levels from the 1-minute rows, the aggregation version 1
-- ran at every read (cgi-bin/ep_candles.c): open of the first minute,
-- close of the last, max high, min low, sums; first_id/last_id min/max.
-- len and off in ms: a bucket starts at t - (t - off) mod len (floor
-- mod), off = 4 days for 1w (Mondays), as lib/interval.c.
WITH lv (iv, len, off) AS (VALUES (5, 300000, 0), (15, 900000, 0),
    (30, 1800000, 0), (60, 3600000, 0), (240, 14400000, 0),
    (1440, 86400000, 0), (10080, 604800000, 345600000))
INSERT INTO candles (symbol_id, iv, t, open, high, low, close, volume,
    trades, open_ts, close_ts, first_id, last_id)
SELECT g.symbol_id, g.iv, g.b, o.open, g.hi, g.lo, c.close, g.vol, g.n,
    o.open_ts, c.close_ts, g.f, g.l
FROM (SELECT m.symbol_id AS symbol_id, lv.iv AS iv,
        m.t - ((m.t - lv.off) % lv.len + lv.len) % lv.len AS b,
        min(m.t) AS t0, max(m.t) AS t1, max(m.high) AS hi, min(m.low) AS lo,
        sum(m.volume) AS vol, sum(m.trades) AS n, min(m.first_id) AS f,
        max(m.last_id) AS l
      FROM candles AS m, lv WHERE m.iv = 1
      GROUP BY m.symbol_id, lv.iv, b) AS g
JOIN candles AS o ON o.symbol_id = g.symbol_id AND o.iv = 1 AND o.t = g.t0
JOIN candles AS c ON c.symbol_id = g.symbol_id AND c.iv = 1 AND c.t = g.t1
ORDER BY g.symbol_id, g.iv, g.b;

-- The largest tick id ever stored per symbol: candles are never pruned,
-- and every stored tick raised its minute's last_id.
ALTER TABLE symbols ADD COLUMN seq_id INTEGER NOT NULL DEFAULT 0;
UPDATE symbols SET seq_id = coalesce((SELECT max(last_id) FROM candles
    WHERE symbol_id = symbols.id AND iv = 10080), 0);

INSERT INTO meta (key, value) VALUES
    ('epoch', max(1, random() & 0x7fffffffffffffff))
    ON CONFLICT (key) DO NOTHING;

PRAGMA user_version = 2;
