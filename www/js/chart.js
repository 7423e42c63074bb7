// chart.js: one symbol at one interval, drawn with TradingView's
// lightweight-charts: candles, volume below them, a last-price line, the
// overlays a trader turned on (overlays.js), older history as the chart
// is dragged back, and a time axis in a chosen zone (timeaxis.js).
//
// Life of a chart: load() reads the latest page of `candles` (cursor C)
// and draws it, then replays the ticks the feed delivered after C; from
// then on tick() folds each new tick of the symbol in.  The bars always
// equal what `candles` would answer at the feed's cursor: a tick is
// applied once (ids at or below the cursor of the answer its bar came
// from are already in it), and a late tick makes the chart re-read its
// bar (resync), because lightweight-charts only appends or replaces bars,
// and only the server knows whether a late tick set its bar's open or
// close.
//
// Scroll back (the library's infinite-history pattern): when fewer than
// LOAD_AHEAD bars are left of the view, the chart reads the page before
// its first bar, `candles?to=<first t>` (the API's `next`), while the API
// says `more`.  A page ends where the one after it starts (`next` is a
// bucket boundary), so the pages neither overlap nor leave a hole.  Each
// page has its own cursor: its bars skip the ticks it holds, and the
// logged ticks after it that fall in its range are applied again (late:
// their bar is re-read).

import { api_get, price_decimals } from './api.js';
import { bar_apply, bar_from_candle, bar_put, bar_start, daily } from './bars.js';
import { Legend } from './legend.js';
import { Overlays } from './overlays.js';
import { TimeAxis, time_text } from './timeaxis.js';
import { zone_known } from './zone.js';

const PAGE_BARS = 500;
const LOAD_AHEAD = 50;
const PAGE_RETRY_MS = 2e3;
const BAR_PX = 7;
const RIGHT_OFFSET = 4;		/* bars of room right of the last */
const LIVE_SCROLL_MS = 500;	/* scrollToRealTime() animates for 400 */
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
		    secondsVisible: false, rightOffset: RIGHT_OFFSET },
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
		this.axis = new TimeAxis();
		this.chart = lc.createChartEx(container, this.axis.behavior(lc),
		    chart_options());
		this.chart.applyOptions(this.axis.options());
		this.add_series(lc);
		this.overlays = new Overlays(this.chart, lc);
		this.legend = new Legend(container);
		this.add_live_button(container);
		this.follow_crosshair();
		this.chart.timeScale().subscribeVisibleLogicalRangeChange(r =>
		    this.on_range(r));
		this.view_zone = 'UTC';
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

	/* add_live_button: "go to live", shown while the last bar is out of view. */
	add_live_button(container) {
		this.live_button = document.createElement('button');
		this.live_button.type = 'button';
		this.live_button.className = 'go-live';
		this.live_button.textContent = 'Live ⇥';
		this.live_button.title = 'scroll to the latest bar';
		this.live_button.hidden = true;
		this.live_button.addEventListener('click', () => this.go_live());
		container.appendChild(this.live_button);
	}

	/*
	 * go_live: scroll to the latest bar.  lightweight-charts 5.2.1
	 * animates scrollToRealTime() for 400 ms but applies no position in the
	 * frame after the end, so from far back it stops a few bars short: the
	 * end is set once the animation is over, unless the reader has moved
	 * the chart away meanwhile.
	 */
	go_live() {
		const ts = this.chart.timeScale();
		const from = ts.scrollPosition();
		ts.scrollToRealTime();
		setTimeout(() => {
			const at = ts.scrollPosition();
			if (at > (from + RIGHT_OFFSET) / 2 && at < RIGHT_OFFSET)
				ts.scrollToPosition(RIGHT_OFFSET, false);
		}, LIVE_SCROLL_MS);
	}

	/* follow_crosshair: the legend shows the bar under the crosshair. */
	follow_crosshair() {
		this.hover = null;
		this.chart.subscribeCrosshairMove(p => {
			const c = p.time === undefined ? null :
			    p.seriesData.get(this.candles);
			this.hover = c ? c.time * 1e3 : null;
			this.show_legend();
		});
	}

	/* index_of: the index of the bar at T (ms) in this.bars, or null. */
	index_of(t) {
		let lo = 0, hi = this.bars.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const x = this.bars[mid].t;
			if (x === t)
				return mid;
			if (x < t)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		return null;
	}

	/* show_legend: the bar under the crosshair (hover: its time), else the last. */
	show_legend() {
		const i = (this.hover === null ? null : this.index_of(this.hover)) ??
		    this.bars.length - 1;
		const b = this.bars[i] ?? null;
		const ov = this.overlays;
		const lines = [];
		if (ov.on('sma'))
			lines.push({ name: 'sma', label: 'SMA ' + ov.config.sma });
		if (ov.on('ema'))
			lines.push({ name: 'ema', label: 'EMA ' + ov.config.ema });
		if (ov.on('vwap'))
			lines.push({ name: 'vwap', label: 'VWAP' });
		for (const l of lines)
			l.value = ov.values[l.name][i] ?? null;
		this.legend.show(b, b ? time_text(b.t, this.axis.zone,
		    this.axis.daily) : '', this.decimals, lines);
	}

	reset(symbol, interval) {
		this.symbol = symbol;
		this.interval = interval;
		this.zone = 'UTC';	/* the store's: where days start */
		this.decimals = 0;
		this.bars = [];
		this.cursor = Infinity;	/* nothing applies before load() ends */
		this.bar_cursor = new Map();
		this.older = { more: false, next: null, loading: false, pages: 0 };
		this.ready = false;
		this.hover = null;
	}

	/* set_decimals: show prices with D decimals, if more than now. */
	set_decimals(d) {
		if (d <= this.decimals && this.ready)
			return;
		this.decimals = Math.max(d, this.decimals);
		this.candles.applyOptions({ priceFormat: { type: 'price',
		    precision: this.decimals, minMove: 10 ** -this.decimals } });
		this.overlays.set_decimals(this.decimals);
	}

	/*
	 * set_view_zone: label the time axis in ZONE (intraday bars; day and
	 * week bars are labelled by their date in the store's zone).
	 */
	set_view_zone(zone) {
		this.view_zone = zone;
		this.label_axis();
	}

	/*
	 * label_axis: the axis's zone for this interval; when it changes, the
	 * marks are weighed anew and everything redrawn (returns true).
	 */
	label_axis() {
		const is_daily = daily(this.interval);
		const zone = is_daily ? this.zone : this.view_zone;
		if (zone === this.axis.zone && is_daily === this.axis.daily)
			return false;
		this.axis.set(zone, is_daily);
		this.chart.applyOptions(this.axis.options());
		const range = this.chart.timeScale().getVisibleLogicalRange();
		for (const s of [this.candles, this.volume,
		    ...Object.values(this.overlays.series)])
			s.setData([]);	/* the library weighs only new points */
		this.redraw();
		if (range && this.bars.length)
			this.chart.timeScale().setVisibleLogicalRange(range);
		return true;
	}

	/* set_overlays: SMA, EMA lengths (null: off) and VWAP on or off. */
	set_overlays(sma_n, ema_n, vwap_on) {
		this.overlays.configure(sma_n, ema_n, vwap_on, this.bars);
		this.show_legend();
	}

	/* query: the `candles` parameters this chart's latest page is read with. */
	query() {
		return { symbol: this.symbol, interval: this.interval,
		    limit: PAGE_BARS };
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

	/* answer_decimals: the most decimals the candles of ANSWER are written with. */
	answer_decimals(answer) {
		let d = this.decimals;
		for (const c of answer.candles)
			d = Math.max(d, price_decimals(c));
		return d;
	}

	/* show: draw the ANSWER of `candles`, then the logged ticks after it. */
	show(answer) {
		this.set_decimals(this.answer_decimals(answer));
		this.zone = zone_known(answer.tz) ? answer.tz : 'UTC';
		this.bars = answer.candles.map(bar_from_candle);
		this.cursor = answer.cursor;
		this.older = { more: answer.more === true, next: answer.next,
		    loading: false, pages: 1 };
		if (!this.label_axis())
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

	/* on_range: the view moved: the live button; older bars when near them. */
	on_range(range) {
		const n = this.bars.length;
		this.live_button.hidden = !range || !n || range.to >= n - 1;
		if (range && this.ready && this.older.more && !this.older.loading &&
		    range.from < LOAD_AHEAD)
			this.load_older();
	}

	/*
	 * load_older: read the page before the first bar and put it in front.
	 * On failure the next move of the view tries again, after a pause.
	 */
	async load_older() {
		const gen = this.generation;
		const o = this.older;
		o.loading = true;
		let answer;
		try {
			for (let tries = 0; tries < 3; tries++) {
				answer = await api_get('candles', { ...this.query(),
				    to: o.next });
				if (this.log.covers(answer.cursor))
					break;	/* else older than the feed's log */
			}
		} catch (e) {
			setTimeout(() => { o.loading = false; }, PAGE_RETRY_MS);
			return;
		}
		if (gen !== this.generation)
			return;
		this.prepend(answer);
		o.loading = false;
		this.on_range(this.chart.timeScale().getVisibleLogicalRange());
	}

	/* prepend: the older page ANSWER goes before the bars (see the top). */
	prepend(answer) {
		const first = this.bars.length ? this.bars[0].t : Infinity;
		const page = answer.candles.filter(c => c.t < first)
		    .map(bar_from_candle);
		this.set_decimals(this.answer_decimals(answer));
		for (const b of page)
			this.bar_cursor.set(b.t, answer.cursor);
		this.bars = page.concat(this.bars);
		this.older.more = answer.more === true && page.length > 0;
		this.older.next = answer.next;
		this.older.pages++;
		this.redraw();
		if (!page.length)
			return;
		const lo = page[0].t, hi = page[page.length - 1].t;
		for (const tk of this.log.since(this.symbol, answer.cursor)) {
			const t = bar_start(tk.ts, this.interval, this.zone);
			if (t >= lo && t <= hi)
				this.apply(tk);
		}
	}

	redraw() {
		this.candles.setData(this.bars.map(candle_point));
		this.volume.setData(this.bars.map(volume_point));
		this.overlays.all(this.bars);
		this.show_legend();
	}

	/* draw: show bar B, the last one or (HISTORICAL) an existing older one. */
	draw(b, historical) {
		this.candles.update(candle_point(b), historical);
		this.volume.update(volume_point(b), historical);
		if (historical)
			this.overlays.all(this.bars);
		else
			this.overlays.last(this.bars);
		if (this.hover === null)
			this.show_legend();
	}

	/* tick: a new tick from the feed (any symbol, ids increasing). */
	tick(tk) {
		if (tk.symbol === this.symbol && this.ready)
			this.apply(tk);
	}

	/*
	 * apply: fold TK in unless the answer its bar came from holds it.  A
	 * new bar closes the one before: if its VWAP was an estimate, the
	 * closed bar is read again, now final.
	 */
	apply(tk) {
		const t = bar_start(tk.ts, this.interval, this.zone);
		if (tk.id <= this.cursor || tk.id <= (this.bar_cursor.get(t) || 0))
			return;
		const d = Math.max(this.decimals, price_decimals(tk));
		const what = bar_apply(this.bars, this.interval, tk, this.zone, d);
		const n = this.bars.length;
		if (what === 'new' || what === 'update')
			this.draw(this.bars[n - 1], false);
		else if (what === 'late')
			this.resync(t);
		if (what === 'new' && n > 1 && this.bars[n - 2].estimated)
			this.resync(this.bars[n - 2].t);
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
			if (bar_start(tk.ts, this.interval, this.zone) === t)
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

	/* visible: the logical range in view and the bar count (for tests). */
	visible() {
		const r = this.chart.timeScale().getVisibleLogicalRange();
		return { from: r ? r.from : null, to: r ? r.to : null,
		    bars: this.bars.length };
	}

	/* x_of: the x of bar T (ms) in the chart's element, or null (for tests). */
	x_of(t) {
		return this.chart.timeScale().timeToCoordinate(t / 1e3);
	}

	/* history: how far back the chart has read (for tests). */
	history() {
		const { more, next, loading, pages } = this.older;
		return { more, next, loading, pages, bars: this.bars.length,
		    first: this.bars.length ? this.bars[0].t : null };
	}
}
