'use strict';
// The Node peer of bench/poll.sh: GET /api/v1/quotes?symbols= and
// /api/v1/ticks?symbol=&limit= over the same SQLite file, answering the
// same bytes as tickfeed.fcgi (exact prices from the scaled integers).
//   node server.js PORT DB
const express = require('express');
const Database = require('better-sqlite3');

const [port, dbPath] = process.argv.slice(2);
const db = new Database(dbPath, { readonly: true, fileMustExist: true });
const SCALE = 100000000;

const stCursor = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'ticks'").pluck();
const stQuote = db.prepare('SELECT symbol, decimals, last_id, last_ts, last_price, last_size FROM symbols WHERE symbol = ?');
const stSymbol = db.prepare('SELECT id, decimals FROM symbols WHERE symbol = ?');
const stTicks = db.prepare('SELECT id, ts, price, size FROM ticks WHERE symbol_id = ? AND id > ? ORDER BY id LIMIT ?');

// A scaled price with at least `dec` decimals and every non-zero digit.
function price(v, dec) {
  const neg = v < 0, u = Math.abs(v);
  const ip = Math.floor(u / SCALE);
  let fp = String(u % SCALE).padStart(8, '0');
  let need = 8;
  while (need > 0 && fp[need - 1] === '0') need--;
  const d = Math.max(dec, need);
  return (neg ? '-' : '') + ip + (d > 0 ? '.' + fp.slice(0, d) : '');
}

function error(res, status, code, message) {
  res.status(status).type('application/json').send(JSON.stringify({ error: { code, message } }));
}

const app = express();
app.set('etag', false);
app.set('x-powered-by', false);

app.get('/api/v1/quotes', (req, res) => {
  const names = String(req.query.symbols || '').split(',');
  const read = db.transaction(() => {
    const out = [];
    for (const s of names) {
      const q = stQuote.get(s);
      if (!q) return null;
      out.push('{"symbol":' + JSON.stringify(q.symbol) + ',"id":' + q.last_id + ',"ts":' + q.last_ts +
        ',"price":' + price(q.last_price, q.decimals) + ',"size":' + q.last_size + '}');
    }
    return '{"cursor":' + (stCursor.get() || 0) + ',"quotes":[' + out.join(',') + ']}';
  });
  const body = read();
  if (body === null) return error(res, 404, 'unknown_symbol', 'unknown symbol');
  res.type('application/json').send(body);
});

app.get('/api/v1/ticks', (req, res) => {
  const limit = Number(req.query.limit || 100), since = Number(req.query.since || 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) return error(res, 400, 'bad_value', 'limit must be an integer 1..10000');
  const read = db.transaction(() => {
    const sym = stSymbol.get(String(req.query.symbol));
    if (!sym) return null;
    const rows = stTicks.all(sym.id, since, limit + 1);
    const more = rows.length > limit;
    if (more) rows.pop();
    const ticks = rows.map((t) => '{"id":' + t.id + ',"ts":' + t.ts + ',"price":' + price(t.price, sym.decimals) + ',"size":' + t.size + '}');
    const next = rows.length ? rows[rows.length - 1].id : since;
    return '{"cursor":' + (stCursor.get() || 0) + ',"symbol":' + JSON.stringify(String(req.query.symbol)) +
      ',"ticks":[' + ticks.join(',') + '],"next":' + next + ',"more":' + more + '}';
  });
  const body = read();
  if (body === null) return error(res, 404, 'unknown_symbol', 'unknown symbol');
  res.type('application/json').send(body);
});

app.listen(Number(port), '127.0.0.1');
