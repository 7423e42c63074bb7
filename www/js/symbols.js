// symbols.js: the market (every symbol's last price and day change) and the
// list that shows it.  The market starts from a `symbols` answer and then
// takes every tick the feed delivers, in id order; it is also what tells a
// late tick (older than the newest of its symbol) from a current one.

import { price_decimals } from './api.js';
import { change_text, direction, percent_text, price_text } from './format.js';

export class Market {
	/* ANSWER: a `symbols` answer; its cursor is where the feed starts. */
	constructor(answer) {
		this.cursor = answer.cursor;
		this.by_name = new Map();
		this.merge(answer);
	}

	/* merge: take a newer `symbols` ANSWER (new names, new prev_close). */
	merge(answer) {
		for (const row of answer.symbols) {
			const s = this.by_name.get(row.symbol);
			const d = price_decimals(row);
			if (!s) {
				this.by_name.set(row.symbol, { symbol: row.symbol,
				    price: row.price, prev_close: row.prev_close,
				    last_ts: row.last_ts, decimals: d });
				continue;
			}
			s.prev_close = row.prev_close;
			s.decimals = Math.max(s.decimals, d);
			if (row.last_ts > s.last_ts) {
				s.price = row.price;
				s.last_ts = row.last_ts;
			}
		}
	}

	names() {
		return [...this.by_name.keys()];
	}

	get(name) {
		return this.by_name.get(name);
	}

	/*
	 * tick: take TK (delivered in id order); sets TK.late; returns the
	 * symbol's entry when its last price changed, else null.
	 */
	tick(tk) {
		let s = this.by_name.get(tk.symbol);
		if (!s) {
			s = { symbol: tk.symbol, price: tk.price, prev_close: tk.price,
			    last_ts: tk.ts, decimals: 0 };
			this.by_name.set(tk.symbol, s);
		}
		s.decimals = Math.max(s.decimals, price_decimals(tk));
		tk.late = tk.ts < s.last_ts;
		if (tk.late)
			return null;
		s.price = tk.price;
		s.last_ts = tk.ts;
		return s;
	}
}

/* quote_texts: what a quote shows for entry S: price, change, percent. */
export function quote_texts(s) {
	const d = s.decimals;
	return {
		price: price_text(s.price, d),
		change: change_text(s.price, s.prev_close, d),
		percent: percent_text(s.price, s.prev_close, d),
		dir: ['down', 'flat', 'up'][direction(s.price, s.prev_close, d) + 1],
	};
}

export class SymbolList {
	/* UL: the list element; ON_PICK(name): a symbol was chosen. */
	constructor(ul, on_pick) {
		this.ul = ul;
		this.rows = new Map();
		this.on_pick = on_pick;
		ul.addEventListener('click', ev => {
			const li = ev.target.closest('li[data-symbol]');
			if (li)
				this.on_pick(li.dataset.symbol);
		});
	}

	/* render: one row per symbol of MARKET, in MARKET's order. */
	render(market) {
		for (const name of market.names()) {
			if (this.rows.has(name))
				continue;
			const li = document.createElement('li');
			li.dataset.symbol = name;
			li.innerHTML = '<button type="button"><span class="sym"></span>' +
			    '<span class="px"></span><span class="chg"></span></button>';
			li.querySelector('.sym').textContent = name;
			this.ul.appendChild(li);
			this.rows.set(name, li);
			this.update(market.get(name), false);
		}
	}

	/* update: show entry S's new price; FLASH marks the move. */
	update(s, flash) {
		const li = this.rows.get(s.symbol);
		if (!li)
			return;
		const q = quote_texts(s);
		const px = li.querySelector('.px');
		const old = px.textContent;
		px.textContent = q.price;
		li.querySelector('.chg').textContent = q.percent;
		li.dataset.dir = q.dir;
		if (flash && old && old !== q.price) {
			const up = parseFloat(q.price) > parseFloat(old);
			li.classList.remove('flash-up', 'flash-down');
			void li.offsetWidth;	/* restart the animation */
			li.classList.add(up ? 'flash-up' : 'flash-down');
		}
	}

	/* select: mark NAME as the one shown. */
	select(name) {
		for (const [n, li] of this.rows) {
			li.classList.toggle('active', n === name);
			li.querySelector('button').setAttribute('aria-pressed',
			    String(n === name));
		}
	}
}
