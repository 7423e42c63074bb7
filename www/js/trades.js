// trades.js: the recent trades of the symbol shown, newest first: the
// latest ticks from `ticks?symbol=S&order=desc&limit=N` (cursor C), then
// every tick of S above C as the feed delivers it, so that nothing is
// missed or listed twice (API.md: "the last 50, then live").  Ticks the
// feed delivered before the answer came are in the feed's log and are
// replayed after it, as the chart does.  Newest first means by id, the
// order the store took them in, as the API lists them: a late tick comes
// at the top with its older time.  Prices are the text the feed wrote
// (the decimals of each tick's own price), times in the zone chosen.

import { api_get, price_decimals } from './api.js';
import { price_text, to_scaled } from './format.js';
import { clock_of, stamp_of } from './timeaxis.js';

export const TRADE_ROWS = 30;

export class TradesView {
	/* LIST: the <ol> to fill; LOG: the feed's TickLog. */
	constructor(list, log) {
		this.list = list;
		this.log = log;
		this.zone = 'UTC';
		this.generation = 0;
		this.reset(null);
	}

	reset(symbol) {
		this.symbol = symbol;
		this.ticks = [];	/* newest first */
		this.cursor = Infinity;
		this.ready = false;
	}

	/* load: the latest trades of SYMBOL; false when a later load took over. */
	async load(symbol) {
		const gen = ++this.generation;
		this.reset(symbol);
		this.render();
		let answer;
		for (let tries = 0; tries < 3; tries++) {
			answer = await api_get('ticks', { symbol, order: 'desc',
			    limit: TRADE_ROWS });
			if (gen !== this.generation)
				return false;
			if (this.log.covers(answer.cursor))
				break;	/* else older than the feed's log: again */
		}
		this.ticks = answer.ticks;
		this.cursor = answer.cursor;
		this.ready = true;
		this.render();
		for (const tk of this.log.since(symbol, this.cursor))
			this.add(tk);
		return true;
	}

	/* set_zone: show the times in ZONE. */
	set_zone(zone) {
		this.zone = zone;
		this.render();
	}

	/* tick: a tick from the feed (any symbol, ids increasing). */
	tick(tk) {
		if (tk.symbol === this.symbol && this.ready)
			this.add(tk);
	}

	add(tk) {
		if (tk.id <= this.cursor ||
		    (this.ticks.length && tk.id <= this.ticks[0].id))
			return;
		this.ticks.unshift(tk);
		if (this.ticks.length > TRADE_ROWS)
			this.ticks.length = TRADE_ROWS;
		this.list.prepend(this.row(0));
		while (this.list.children.length > this.ticks.length)
			this.list.lastElementChild.remove();
	}

	render() {
		this.list.replaceChildren(...this.ticks.map((tk, i) => this.row(i)));
	}

	/* row: the <li> of trade I: time, price (up or down from the one before), size. */
	row(i) {
		const tk = this.ticks[i];
		const before = this.ticks[i + 1];
		const li = document.createElement('li');
		li.dataset.id = tk.id;
		li.dataset.dir = before ? direction(tk, before) : 'flat';
		li.title = stamp_of(tk.ts, this.zone) + ' · id ' + tk.id;
		const cells = [['t', clock_of(tk.ts, this.zone)],
		    ['px', price_text(tk.price, price_decimals(tk))],
		    ['sz', String(tk.size)]];
		for (const [cls, text] of cells) {
			const span = document.createElement('span');
			span.className = cls;
			span.textContent = text;
			li.append(span);
		}
		return li;
	}

	/* data: the rows as shown (for tests). */
	data() {
		return [...this.list.children].map(li => ({ id: Number(li.dataset.id),
		    time: li.querySelector('.t').textContent,
		    price: li.querySelector('.px').textContent,
		    size: li.querySelector('.sz').textContent }));
	}
}

/* direction: 'up', 'down' or 'flat' from trade B to trade A. */
function direction(a, b) {
	const d = Math.max(price_decimals(a), price_decimals(b));
	const n = to_scaled(a.price, d) - to_scaled(b.price, d);
	return n > 0 ? 'up' : n < 0 ? 'down' : 'flat';
}
