// bars.js: OHLCV bars built from ticks with the API's own arithmetic, and
// the log of recent ticks a chart replays after (re)loading.
//
// A bar's time t is the start of its interval (ms): 1m to 4h bars are
// aligned to UTC, 1d and 1w bars start at local midnight (Monday's) of
// the store's trading zone (zone.js), as the API's.  A tick at or after
// the newest time of its symbol moves the last bar, or opens the next
// one; a late tick (older than the newest of its symbol) may set its
// bar's open or close, which only the server knows, so the caller
// re-reads that bar from `candles` instead.
//
// A bar's vwap: the API's, or, for a bar opened by a live tick, the same
// exact arithmetic (the sum of price x size in units of 10^-decimals, a
// BigInt kept beside the bar).  A bar from the API that live ticks move has only the API's
// rounded vwap to start from: its new vwap is an estimate (estimated set)
// until the bar is read again.

import { div_round } from './indicators.js';
import { to_scaled } from './format.js';
import { day_bounds, week_bounds } from './zone.js';

/* The API's intervals (API.md), with their length (1d, 1w: nominal). */
export const INTERVALS = {
	'1m': 60e3, '5m': 300e3, '15m': 900e3, '30m': 1800e3, '1h': 3600e3,
	'4h': 4 * 3600e3, '1d': 86400e3, '1w': 7 * 86400e3,
};

/* daily: whether INTERVAL's bars are days of the trading zone or longer. */
export function daily(interval) {
	return interval === '1d' || interval === '1w';
}

/* bar_start: start (ms) of the INTERVAL bar that holds time TS (1d, 1w: in ZONE). */
export function bar_start(ts, interval, zone = 'UTC') {
	if (interval === '1d')
		return day_bounds(ts, zone)[0];
	if (interval === '1w')
		return week_bounds(ts, zone)[0];
	const ms = INTERVALS[interval];
	return Math.floor(ts / ms) * ms;
}

/* bar_from_candle: the fields a chart draws, from a `candles` row. */
export function bar_from_candle(c) {
	return { t: c.t, open: c.open, high: c.high, low: c.low,
	    close: c.close, volume: c.volume, vwap: c.vwap ?? null };
}

/* vwap_of: the vwap of PV (10^-D units x size) over VOLUME, or null. */
function vwap_of(pv, volume, d) {
	return volume > 0 ? Number(div_round(pv, BigInt(volume))) / 10 ** d : null;
}

/* The exact sums of the bars opened by live ticks (bars stay plain data). */
const bar_pv = new WeakMap();

/* vwap_add: fold TICK (prices with D decimals) into bar B's vwap. */
function vwap_add(b, tick, d) {
	const pv = BigInt(to_scaled(tick.price, d)) * BigInt(tick.size);
	const before = b.volume - tick.size;
	if (bar_pv.has(b) || before === 0) {
		const sum = (bar_pv.get(b) ?? 0n) + pv;
		bar_pv.set(b, sum);
		b.vwap = vwap_of(sum, b.volume, d);
	} else if (b.vwap != null) {
		const est = (b.vwap * before + tick.price * tick.size) / b.volume;
		b.vwap = to_scaled(est, d) / 10 ** d;
		b.estimated = true;
	}
}

/*
 * bar_apply: fold TICK into the bar list BARS (oldest first) of INTERVAL
 * (1d, 1w: days of ZONE), prices with D decimals.  TICK.late is true when
 * its time is older than the newest tick of its symbol with a lower id.
 * Returns 'new' (a bar was pushed), 'update' (the last bar moved), 'late'
 * (re-read its bar: a late tick, or one before the last bar) or 'old'
 * (before the first bar: not drawn).
 */
export function bar_apply(bars, interval, tick, zone = 'UTC', d = 0) {
	const t = bar_start(tick.ts, interval, zone);
	const last = bars.length ? bars[bars.length - 1] : null;
	if (last && t < bars[0].t)
		return 'old';
	if (tick.late || (last && t < last.t))
		return 'late';
	if (!last || t > last.t) {
		const b = { t, open: tick.price, high: tick.price, low: tick.price,
		    close: tick.price, volume: tick.size, vwap: null };
		vwap_add(b, tick, d);
		bars.push(b);
		return 'new';
	}
	last.high = Math.max(last.high, tick.price);
	last.low = Math.min(last.low, tick.price);
	last.close = tick.price;
	last.volume += tick.size;
	vwap_add(last, tick, d);
	return 'update';
}

/* bar_put: replace the bar with BAR's time in BARS, or insert it in order. */
export function bar_put(bars, bar) {
	let i = bars.length;
	while (i > 0 && bars[i - 1].t > bar.t)
		i--;
	if (i > 0 && bars[i - 1].t === bar.t) {
		bars[i - 1] = bar;
		return 'replaced';
	}
	bars.splice(i, 0, bar);
	return 'inserted';
}

/*
 * TickLog: the last CAP ticks received, in id order.  floor is the id
 * through which the log may be missing ticks: a replay since a cursor
 * below it would have a gap, and the caller must load again instead.
 */
export class TickLog {
	constructor(cap, start_cursor) {
		this.cap = cap;
		this.floor = start_cursor;
		this.ticks = [];
	}

	/* add: append TICKS (ids above every logged id), evicting the oldest. */
	add(ticks) {
		for (const tk of ticks)
			this.ticks.push(tk);
		const extra = this.ticks.length - this.cap;
		if (extra > 0) {
			this.floor = this.ticks[extra - 1].id;
			this.ticks.splice(0, extra);
		}
	}

	/* covers: whether every tick after CURSOR that was received is here. */
	covers(cursor) {
		return cursor >= this.floor;
	}

	/* since: the logged ticks of SYMBOL with id above CURSOR, in order. */
	since(symbol, cursor) {
		return this.ticks.filter(tk => tk.id > cursor && tk.symbol === symbol);
	}
}
