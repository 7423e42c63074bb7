// bars.js: OHLCV bars built from ticks with the API's own arithmetic, and
// the log of recent ticks a chart replays after (re)loading.
//
// A bar's time t is the start of its interval (ms, UTC, so a day is the
// UTC day).  A tick at or after the newest time of its symbol moves the
// last bar, or opens the next one; a late tick (older than the newest of
// its symbol) may set its bar's open or close, which only the server
// knows, so the caller re-reads that bar from `candles` instead.

export const INTERVALS = {
	'1m': 60e3, '5m': 300e3, '15m': 900e3, '1h': 3600e3, '1d': 86400e3,
};

/* bar_start: start (ms) of the INTERVAL bar that holds time TS. */
export function bar_start(ts, interval) {
	const ms = INTERVALS[interval];
	return Math.floor(ts / ms) * ms;
}

/* bar_from_candle: the fields a chart draws, from a `candles` row. */
export function bar_from_candle(c) {
	return { t: c.t, open: c.open, high: c.high, low: c.low,
	    close: c.close, volume: c.volume };
}

/*
 * bar_apply: fold TICK into the bar list BARS (oldest first) of INTERVAL.
 * TICK.late is true when its time is older than the newest tick of its
 * symbol with a lower id.  Returns 'new' (a bar was pushed), 'update' (the
 * last bar moved), 'late' (re-read its bar: a late tick, or one before the
 * last bar) or 'old' (before the first bar: not drawn).
 */
export function bar_apply(bars, interval, tick) {
	const t = bar_start(tick.ts, interval);
	const last = bars.length ? bars[bars.length - 1] : null;
	if (last && t < bars[0].t)
		return 'old';
	if (tick.late || (last && t < last.t))
		return 'late';
	if (!last || t > last.t) {
		bars.push({ t, open: tick.price, high: tick.price, low: tick.price,
		    close: tick.price, volume: tick.size });
		return 'new';
	}
	last.high = Math.max(last.high, tick.price);
	last.low = Math.min(last.low, tick.price);
	last.close = tick.price;
	last.volume += tick.size;
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
