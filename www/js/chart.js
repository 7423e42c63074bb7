// chart.js: one symbol at one interval, drawn with TradingView's
// lightweight-charts: candles, volume below them, a last-price line.
//
// Life of a chart: load() reads `candles` (cursor C) and draws them, then
// replays the ticks the feed delivered after C; from then on tick() folds
// each new tick of the symbol in.  The bars always equal what `candles`
// would answer at the feed's cursor: a tick is applied once (ids at or
// below the cursor of the answer its bar came from are already in it), and
// a late tick makes the chart re-read its bar (resync), because
// lightweight-charts only appends or replaces bars, and only the server
// knows whether a late tick set its bar's open or close.

import { api_get, price_decimals } from './api.js';
import { bar_apply, bar_from_candle, bar_put, bar_start } from './bars.js';
import { price_text, volume_text } from './format.js';

const HISTORY_BARS = 500;
const BAR_PX = 7;
const RESYNC_TRIES = 10;
const UP = '#26a69a';
const DOWN = '#ef5350';
const UP_VOLUME = 'rgba(38, 166, 154, 0.45)';
const DOWN_VOLUME = 'rgba(239, 83, 80, 0.45)';

function chart_options() {
	return {
		autoSize: true,
		layout: {
			background: { color: '#131722' }, textColor: '#b2b5be',
			fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
			attributionLogo: true,
		},
		grid: {
			vertLines: { color: 'rgba(42, 46, 57, 0.6)' },
			horzLines: { color: 'rgba(42, 46, 57, 0.6)' },
		},
		rightPriceScale: { borderColor: '#2a2e39' },
		timeScale: { borderColor: '#2a2e39', timeVisible: true,
		    secondsVisible: false, rightOffset: 4 },
		crosshair: { mode: 0 },
	};
}

/* point: a bar in lightweight-charts' form (time in seconds, UTC). */
function candle_point(b) {
	return { time: b.t / 1e3, open: b.open, high: b.high, low: b.low,
	    close: b.close };
}

function volume_point(b) {
	return { time: b.t / 1e3, value: b.volume,
	    color: b.close >= b.open ? UP_VOLUME : DOWN_VOLUME };
}

export class ChartView {
	/* CONTAINER: the element to draw in; LOG: the feed's TickLog. */
	constructor(container, log) {
		const lc = window.LightweightCharts;
		this.log = log;
		this.chart = lc.createChart(container, chart_options());
		this.add_series(lc);
		this.add_legend(container);
		this.generation = 0;
		this.reset(null, '1m');
	}

	/* add_series: candles above, volume in the bottom fifth below them. */
	add_series(lc) {
		this.candles = this.chart.addSeries(lc.CandlestickSeries, {
			upColor: UP, downColor: DOWN, borderVisible: false,
			wickUpColor: UP, wickDownColor: DOWN,
		});
		this.volume = this.chart.addSeries(lc.HistogramSeries, {
			priceFormat: { type: 'volume' }, priceScaleId: '',
			lastValueVisible: false, priceLineVisible: false,
		});
		this.volume.priceScale().applyOptions({
			scaleMargins: { top: 0.8, bottom: 0 },
		});
		this.candles.priceScale().applyOptions({
			scaleMargins: { top: 0.1, bottom: 0.24 },
		});
	}

	/* add_legend: a line of O H L C V that follows the crosshair. */
	add_legend(container) {
		this.legend = document.createElement('div');
		this.legend.className = 'legend';
		container.appendChild(this.legend);
		this.hover = null;
		this.chart.subscribeCrosshairMove(p => {
			const c = p.time === undefined ? null :
			    p.seriesData.get(this.candles);
			const v = c ? p.seriesData.get(this.volume) : null;
			this.hover = c ? { ...c, volume: v ? v.value : 0 } : null;
			this.show_legend();
		});
	}

	/* show_legend: O H L C V of the bar under the crosshair, else the last. */
	show_legend() {
		const b = this.hover || this.bars[this.bars.length - 1];
		if (!b) {
			this.legend.textContent = '';
			return;
		}
		const cells = [['O', b.open], ['H', b.high], ['L', b.low],
		    ['C', b.close]].map(([k, x]) => [k, price_text(x, this.decimals)]);
		cells.push(['V', volume_text(b.volume)]);
		this.legend.replaceChildren(...cells.map(([k, x]) => {
			const span = document.createElement('span');
			span.innerHTML = '<b></b> ';
			span.firstChild.textContent = k;
			span.append(x);
			return span;
		}));
		this.legend.dataset.dir = b.close >= b.open ? 'up' : 'down';
	}

	reset(symbol, interval) {
		this.symbol = symbol;
		this.interval = interval;
		this.decimals = 0;
		this.bars = [];
		this.cursor = Infinity;	/* nothing applies before load() ends */
		this.bar_cursor = new Map();
		this.ready = false;
	}

	/* set_decimals: show prices with D decimals, if more than now. */
	set_decimals(d) {
		if (d <= this.decimals && this.ready)
			return;
		this.decimals = Math.max(d, this.decimals);
		this.candles.applyOptions({ priceFormat: { type: 'price',
		    precision: this.decimals, minMove: 10 ** -this.decimals } });
	}

	/* query: the `candles` parameters this chart's history is read with. */
	query() {
		return { symbol: this.symbol, interval: this.interval,
		    limit: HISTORY_BARS };
	}

	/*
	 * load: show SYMBOL at INTERVAL with DECIMALS price decimals (or more,
	 * if the candles are written with more).  Resolves true when drawn,
	 * false when a later load() took over; rejects if `candles` fails.
	 */
	async load(symbol, interval, decimals) {
		const gen = ++this.generation;
		this.reset(symbol, interval);
		this.redraw();
		this.set_decimals(decimals);
		for (let tries = 0; ; tries++) {
			const answer = await api_get('candles', this.query());
			if (gen !== this.generation)
				return false;
			if (!this.log.covers(answer.cursor) && tries < 3)
				continue;	/* older than the feed's log: read again */
			this.show(answer);
			return true;
		}
	}

	/* show: draw the ANSWER of `candles`, then the logged ticks after it. */
	show(answer) {
		let d = this.decimals;
		for (const c of answer.candles)
			d = Math.max(d, price_decimals(c));
		this.set_decimals(d);
		this.bars = answer.candles.map(bar_from_candle);
		this.cursor = answer.cursor;
		this.redraw();
		this.frame();
		this.ready = true;
		for (const tk of this.log.since(this.symbol, this.cursor))
			this.apply(tk);
	}

	/* frame: show the latest bars, about BAR_PX pixels each, or all. */
	frame() {
		const n = this.bars.length;
		const ts = this.chart.timeScale();
		const shown = Math.max(20, Math.floor(ts.width() / BAR_PX));
		if (n <= shown)
			ts.fitContent();
		else
			ts.setVisibleLogicalRange({ from: n - shown, to: n + 3 });
	}

	redraw() {
		this.candles.setData(this.bars.map(candle_point));
		this.volume.setData(this.bars.map(volume_point));
		this.show_legend();
	}

	/* draw: show bar B, the last one or (HISTORICAL) an existing older one. */
	draw(b, historical) {
		this.candles.update(candle_point(b), historical);
		this.volume.update(volume_point(b), historical);
		if (!this.hover)
			this.show_legend();
	}

	/* tick: a new tick from the feed (any symbol, ids increasing). */
	tick(tk) {
		if (tk.symbol === this.symbol && this.ready)
			this.apply(tk);
	}

	/* apply: fold TK in unless the answer its bar came from holds it. */
	apply(tk) {
		const t = bar_start(tk.ts, this.interval);
		if (tk.id <= this.cursor || tk.id <= (this.bar_cursor.get(t) || 0))
			return;
		const what = bar_apply(this.bars, this.interval, tk);
		if (what === 'new' || what === 'update')
			this.draw(this.bars[this.bars.length - 1], false);
		else if (what === 'late')
			this.resync(t);
	}

	/*
	 * resync: re-read bar T from `candles` (cursor C), put it in place, and
	 * fold in again the logged ticks of bar T above C: they went into the
	 * copy just replaced.  Ticks of bar T up to C that the feed delivers
	 * later are skipped (bar_cursor).  On failure, tries again later with
	 * a growing pause, RESYNC_TRIES times in all (TRIES counts them).
	 */
	async resync(t, tries = 1) {
		const gen = this.generation;
		let answer;
		try {
			answer = await api_get('candles', { symbol: this.symbol,
			    interval: this.interval, from: t, to: t + 1 });
		} catch (e) {
			return this.resync_later(t, gen, tries);
		}
		if (gen !== this.generation ||
		    answer.cursor <= (this.bar_cursor.get(t) || 0))
			return;
		const c = answer.candles.find(row => row.t === t);
		if (!c || !this.log.covers(answer.cursor))
			return this.resync_later(t, gen, tries);
		this.bar_cursor.set(t, answer.cursor);
		const b = bar_from_candle(c);
		this.set_decimals(price_decimals(c));
		if (bar_put(this.bars, b) === 'replaced')
			this.draw(b, true);
		else
			this.redraw();
		for (const tk of this.log.since(this.symbol, answer.cursor))
			if (bar_start(tk.ts, this.interval) === t)
				this.apply(tk);
	}

	resync_later(t, gen, tries) {
		if (tries >= RESYNC_TRIES)
			return;
		setTimeout(() => {
			if (gen === this.generation)
				this.resync(t, tries + 1);
		}, 1e3 * tries);
	}

	/* data: what the chart holds, read back from its series (for tests). */
	data() {
		const vols = new Map(this.volume.data().map(v => [v.time, v.value]));
		return this.candles.data().map(c => ({ t: c.time * 1e3,
		    open: c.open, high: c.high, low: c.low, close: c.close,
		    volume: vols.get(c.time) }));
	}
}
