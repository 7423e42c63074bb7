// overlays.js: the lines a trader turns on over the candles: SMA and EMA
// of the closes with a chosen length, and the VWAP of each bar (the
// API's; indicators.js says how each is computed).  Off by default; one
// line series each, holding a point per bar (a gap where there is no
// value yet), so that the last point moves with each tick.

import { ema, ema_next, sma } from './indicators.js';

export const OVERLAYS = ['sma', 'ema', 'vwap'];
const COLORS = { sma: '#f0b90b', ema: '#d05ce3', vwap: '#4fc3f7' };

export class Overlays {
	/* CHART: the lightweight-charts chart; LC: the library's namespace. */
	constructor(chart, lc) {
		this.series = {};
		for (const name of OVERLAYS)
			this.series[name] = chart.addSeries(lc.LineSeries, {
				color: COLORS[name], lineWidth: 2,
				lastValueVisible: false, priceLineVisible: false,
				crosshairMarkerVisible: false,
			});
		this.config = { sma: null, ema: null, vwap: false };
		this.values = { sma: [], ema: [], vwap: [] };
	}

	/* on: whether overlay NAME is shown. */
	on(name) {
		return name === 'vwap' ? this.config.vwap : this.config[name] !== null;
	}

	/* configure: SMA and EMA lengths (null: off), VWAP on or off. */
	configure(sma_n, ema_n, vwap_on, bars) {
		this.config = { sma: sma_n, ema: ema_n, vwap: vwap_on };
		this.all(bars);
	}

	set_decimals(d) {
		for (const s of Object.values(this.series))
			s.applyOptions({ priceFormat: { type: 'price', precision: d,
			    minMove: 10 ** -d } });
	}

	/* compute: overlay NAME's value for every one of BARS. */
	compute(name, bars) {
		if (name === 'vwap')
			return bars.map(b => b.vwap ?? null);
		const closes = bars.map(b => b.close);
		return name === 'sma' ? sma(closes, this.config.sma) :
		    ema(closes, this.config.ema);
	}

	/* all: every point of every line, from BARS. */
	all(bars) {
		for (const name of OVERLAYS) {
			this.values[name] = this.on(name) ? this.compute(name, bars) : [];
			this.series[name].setData(this.on(name) ? bars.map((b, i) =>
			    point(b.t, this.values[name][i])) : []);
		}
	}

	/* last: the last bar of BARS moved or was added: its points follow. */
	last(bars) {
		const i = bars.length - 1;
		for (const name of OVERLAYS) {
			if (!this.on(name))
				continue;
			const v = this.values[name];
			if (v.length !== i && v.length !== i + 1)
				return this.all(bars);
			v[i] = this.value_at(name, bars, i);
			this.series[name].update(point(bars[i].t, v[i]));
		}
	}

	/* value_at: overlay NAME at bar I of BARS, from the values before it. */
	value_at(name, bars, i) {
		const n = this.config[name];
		if (name === 'vwap')
			return bars[i].vwap ?? null;
		if (i < n - 1)
			return null;
		if (name === 'ema' && i >= n)
			return ema_next(this.values.ema[i - 1], bars[i].close, n);
		let sum = 0;
		for (let j = i - n + 1; j <= i; j++)
			sum += bars[j].close;
		return sum / n;
	}

	/* data: each line's points read back from its series, none where no value (for tests). */
	data() {
		const out = {};
		for (const name of OVERLAYS)
			out[name] = this.series[name].data().map(p =>
			    ({ t: p.time * 1e3, value: p.value }));
		return out;
	}
}

/* point: a line point at T (ms), a gap when V is null. */
function point(t, v) {
	return v === null || v === undefined ? { time: t / 1e3 } :
	    { time: t / 1e3, value: v };
}
