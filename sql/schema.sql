-- tickfeed schema, version 3.  The only place DDL lives (see lib/db.c for
-- the version check and sql/migrate/ for later changes).
--
-- Prices are exact: an INTEGER scaled by 10^8 (PRICE_SCALE in lib/price.h),
-- printed with the symbol's own number of decimals.  Times are ms since the
-- epoch, UTC.  ticks.id is the API cursor: AUTOINCREMENT so that an id is
-- never reused, even after pruning removed the newest rows.

PRAGMA journal_mode = WAL;

BEGIN;

CREATE TABLE symbols (
    id          INTEGER PRIMARY KEY,
    symbol      TEXT    NOT NULL UNIQUE,
    decimals    INTEGER NOT NULL DEFAULT 0,  -- most decimals seen, for output
    tick_count  INTEGER NOT NULL DEFAULT 0,  -- raw ticks stored (prune lowers it)
    last_id     INTEGER NOT NULL DEFAULT 0,  -- id of the newest tick by ts
    last_ts     INTEGER NOT NULL DEFAULT 0,
    last_price  INTEGER NOT NULL DEFAULT 0,
    last_size   INTEGER NOT NULL DEFAULT 0,
    seq_id      INTEGER NOT NULL DEFAULT 0   -- largest tick id ever stored for it
);

-- One row per tick.  The natural key (symbol_id, ts, nkey) makes ingest
-- idempotent: nkey is the source's own sequence number when the feed has
-- one (>= 0), else a negative 63-bit hash of price and size.
CREATE TABLE ticks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    symbol_id  INTEGER NOT NULL REFERENCES symbols(id),
    ts         INTEGER NOT NULL,
    price      INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    nkey       INTEGER NOT NULL,
    UNIQUE (symbol_id, ts, nkey)
);
CREATE INDEX ticks_symbol_id ON ticks (symbol_id, id);

-- OHLCV per symbol, interval and bucket: every level of lib/interval.c
-- (iv = its length in minutes: 1 5 15 30 60 240 1440 10080), maintained
-- in the same transaction as the ticks.  t is the bucket's start, ms
-- since the epoch: intraday levels UTC-aligned, 1d at local midnight and
-- 1w at Monday's local midnight of the store's zone (settings 'tz'; a
-- day lasts 23 or 25 hours across a DST change, so 1440 is a name, not
-- a length there).  Open is the tick with the smallest (ts, id), close
-- the one with the largest; open_ts/close_ts are their times, so a late
-- tick amends its buckets at every level correctly, and each level equals
-- the aggregation of its 1-minute rows.  first_id/last_id are the smallest
-- and largest tick id in the bucket: they bound the id range a time-range
-- tick query scans.  notional_hi * 10^18 + notional_lo is the exact sum
-- of price * size over the bucket's ticks (price scaled by 10^8, as
-- ticks.price), which overflows one INTEGER: |notional_lo| < 10^18, of
-- either sign; NULL when unknown (a bucket of a schema-2 store whose
-- ticks had been pruned when it was migrated).  VWAP = notional / volume.
-- Kept when ticks are pruned.
CREATE TABLE candles (
    symbol_id  INTEGER NOT NULL REFERENCES symbols(id),
    iv         INTEGER NOT NULL,      -- interval length, minutes
    t          INTEGER NOT NULL,      -- bucket start, ms
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
    notional_hi INTEGER,
    notional_lo INTEGER,
    PRIMARY KEY (symbol_id, iv, t)
) WITHOUT ROWID;

-- Files the spool importer has taken (by name, size and content hash).
CREATE TABLE ingest_files (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    read        INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    duplicate   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (hash, size)
);

-- Small facts: 'pruned_through_id' (every tick id <= it may be gone),
-- 'pruned_before_ts' (every tick with a ts before it may be gone),
-- 'epoch' (this store's identity: random, positive, 63 bits, set once).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('pruned_through_id', 0), ('pruned_before_ts', 0),
    ('epoch', max(1, random() & 0x7fffffffffffffff));

-- The store's settings, as text: 'tz', its trading zone, a name of the
-- tz database: where its 1d and 1w candles start.  Changed only by
-- `tickfeed-ingest set-tz`, which rebuilds those candles with it.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (key, value) VALUES ('tz', 'UTC');

PRAGMA user_version = 3;

COMMIT;
