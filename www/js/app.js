// app.js: the page.  Reads `symbols`, follows every symbol with one feed
// from that answer's cursor, shows the chosen symbol and interval (kept in
// the URL as ?symbol=AAPL&interval=5m) and keeps the list, the quote and
// the chart moving with each tick.  window.tickfeed is a read-only view of
// the page's state for tests and for the curious (see docs/chart.md).

import { TickAge, age_text } from './age.js';
import { api_get } from './api.js';
import { INTERVALS, TickLog } from './bars.js';
import { ChartView } from './chart.js';
import { Feed } from './feed.js';
import { Market, quote_texts, SymbolList } from './symbols.js';

const LOG_TICKS = 20000;
const SYMBOLS_REFRESH_MS = 60e3;
const AGE_REFRESH_MS = 1e3;
const $ = sel => document.querySelector(sel);

const page = {
	market: null, log: null, feed: null, chart: null, list: null,
	age: null, symbol: null, interval: '1m', conn: 'connecting',
	conn_detail: '', loads: 0,
};

/* url_state: the symbol and interval the URL asks for (either may be null). */
function url_state() {
	const q = new URLSearchParams(location.search);
	const interval = q.get('interval');
	return { symbol: q.get('symbol'),
	    interval: Object.hasOwn(INTERVALS, interval) ? interval : null };
}

function url_keep(push) {
	const q = new URLSearchParams(location.search);
	q.set('symbol', page.symbol);
	q.set('interval', page.interval);
	const url = location.pathname + '?' + q.toString() + location.hash;
	if (push)
		history.pushState(null, '', url);
	else
		history.replaceState(null, '', url);
}

function show_conn(state, detail) {
	page.conn = state;
	page.conn_detail = detail;
	const el = $('#conn');
	el.dataset.state = state;
	const label = {
		connecting: 'connecting…',
		live: 'live · ' + detail,
		retrying: 'reconnecting in ' + Math.ceil(detail / 1e3) + ' s',
		gone: 'starting over…',
	}[state];
	if (state === 'gone') {
		/* the history moved on under us: load everything afresh */
		show_notice(detail + '. Loading afresh…');
		setTimeout(() => location.reload(), 1e3 + Math.random() * 2e3);
	}
	el.querySelector('.label').textContent = label;
	el.title = state === 'live' ? 'receiving ticks over ' +
	    (detail === 'stream' ? 'server-sent events' : 'long-poll') : label;
}

/* show_age: "last tick N s ago", the store's newest tick (age.js). */
function show_age() {
	const el = $('#tick-age');
	const text = age_text(page.age.age(Date.now()));
	if (el.textContent !== text)
		el.textContent = text;
}

/* on_beat: a stream heartbeat with the store's newest tick age. */
function on_beat(age_ms) {
	page.age.beat(age_ms, Date.now());
	show_age();
}

function show_notice(text) {
	const el = $('#notice');
	el.textContent = text || '';
	el.hidden = !text;
}

function show_quote() {
	const s = page.market && page.market.get(page.symbol);
	if (!s)
		return;
	const q = quote_texts(s);
	$('#sym-name').textContent = s.symbol;
	$('#last-price').textContent = q.price;
	const chg = $('#last-change');
	chg.textContent = q.change + ' (' + q.percent + ')';
	$('.quote').dataset.dir = q.dir;
	document.title = s.symbol + ' ' + q.price + ' · tickfeed';
}

function show_intervals() {
	for (const b of document.querySelectorAll('[data-interval]')) {
		const on = b.dataset.interval === page.interval;
		b.classList.toggle('active', on);
		b.setAttribute('aria-pressed', String(on));
	}
}

/* choose: show SYMBOL at INTERVAL (PUSH: a new history entry). */
async function choose(symbol, interval, push) {
	if (!page.market.get(symbol))
		symbol = page.market.names()[0];
	page.symbol = symbol;
	page.interval = interval;
	url_keep(push);
	page.list.select(symbol);
	show_intervals();
	show_quote();
	const n = ++page.loads;
	try {
		await page.chart.load(symbol, interval,
		    page.market.get(symbol).decimals);
		if (n === page.loads)
			show_notice('');
	} catch (e) {
		if (n === page.loads)
			show_notice('Could not load ' + symbol + ' ' + interval +
			    ' candles: ' + e.message + '. Retrying…');
		setTimeout(() => {
			if (n === page.loads)
				choose(page.symbol, page.interval, false);
		}, 3e3);
	}
}

/* on_ticks: a batch of new ticks from the feed, in id order. */
function on_ticks(ticks) {
	page.log.add(ticks);
	const moved = new Map();
	for (const tk of ticks) {
		page.age.seen(tk.ts);
		const s = page.market.tick(tk);
		if (s)
			moved.set(s.symbol, s);
		page.chart.tick(tk);
	}
	show_moves(moved);
	show_age();
}

/* show_moves: the new last prices of a batch, once per symbol. */
function show_moves(moved) {
	if ([...moved.keys()].some(name => !page.list.rows.has(name))) {
		page.list.render(page.market);
		page.feed.set_symbols(page.market.names());
	}
	for (const s of moved.values())
		page.list.update(s, true);
	const s = moved.get(page.symbol);
	if (s) {
		page.chart.set_decimals(s.decimals);
		show_quote();
	}
}

/* refresh_symbols: pick up new symbols and prev_close now and then. */
async function refresh_symbols() {
	try {
		const answer = await api_get('symbols', {});
		const before = page.market.names().length;
		page.market.merge(answer);
		page.list.render(page.market);
		if (page.market.names().length !== before)
			page.feed.set_symbols(page.market.names());
		for (const name of page.market.names())
			page.list.update(page.market.get(name), false);
		show_quote();
	} catch (e) {
		/* the feed shows the connection; try again next time */
	}
}

function wire_controls() {
	for (const b of document.querySelectorAll('[data-interval]'))
		b.addEventListener('click', () => {
			if (b.dataset.interval !== page.interval)
				choose(page.symbol, b.dataset.interval, true);
		});
	window.addEventListener('popstate', () => {
		const want = url_state();
		choose(want.symbol || page.symbol, want.interval || '1m', false);
	});
}

function debug_hook() {
	window.tickfeed = Object.freeze({
		bars: () => page.chart.data(),
		query: () => page.chart.query(),
		ready: () => page.chart.ready,
		symbol: () => page.symbol,
		interval: () => page.interval,
		cursor: () => page.feed.cursor,
		connection: () => ({ state: page.conn, detail: page.conn_detail }),
		feed: () => ({ mode: page.feed.mode, ...page.feed.stats }),
		received: () => ({ floor: page.log.floor,
		    ids: page.log.ticks.map(tk => tk.id) }),
		tick_age: () => page.age.age(Date.now()),
	});
}

/* first_symbols: the first `symbols` answer that lists any, retrying. */
async function first_symbols() {
	for (let n = 1; ; n++) {
		try {
			const answer = await api_get('symbols', {});
			if (answer.symbols.length)
				return answer;
			show_notice('No symbols yet: feed some ticks with ' +
			    'tickfeed-ingest. Waiting…');
		} catch (e) {
			show_notice('The tickfeed API does not answer (' + e.message +
			    '). Retrying…');
		}
		await new Promise(r => setTimeout(r, Math.min(30e3, 1e3 * n)));
	}
}

/* newest_ts: the newest tick time of a `symbols` answer, or null. */
function newest_ts(answer) {
	const times = answer.symbols.map(s => s.last_ts).filter(t => t > 0);
	return times.length ? Math.max(...times) : null;
}

/* start: read `symbols`, then go live from its cursor. */
async function start() {
	const answer = await first_symbols();
	show_notice('');
	page.market = new Market(answer);
	page.log = new TickLog(LOG_TICKS, answer.cursor);
	page.age = new TickAge(newest_ts(answer));
	show_age();
	page.chart = new ChartView($('#chart'), page.log);
	page.list = new SymbolList($('#symbol-list'),
	    name => { if (name !== page.symbol) choose(name, page.interval, true); });
	page.list.render(page.market);
	page.feed = new Feed(page.market.names(), answer.cursor, on_ticks,
	    show_conn, on_beat);
	debug_hook();
	wire_controls();
	page.feed.start();
	setInterval(refresh_symbols, SYMBOLS_REFRESH_MS);
	setInterval(show_age, AGE_REFRESH_MS);
	const want = url_state();
	await choose(want.symbol, want.interval || '1m', false);
}

start();
