// app.js: the page.  Reads `symbols`, follows every symbol with one feed
// from that answer's cursor, shows the view the URL asks for (symbol,
// interval, overlays, the axis's zone: state.js) and keeps the list, the
// quote, the chart and the recent trades moving with each tick.
// window.tickfeed is a read-only view of the page's state for tests and
// for the curious (see docs/chart.md).

import { TickAge, age_text } from './age.js';
import { api_get } from './api.js';
import { TickLog } from './bars.js';
import { ChartView } from './chart.js';
import { Feed } from './feed.js';
import { length_ok } from './indicators.js';
import { state_parse, state_search } from './state.js';
import { Market, quote_texts, SymbolList } from './symbols.js';
import { TradesView } from './trades.js';
import { browser_zone, zone_known } from './zone.js';

const LOG_TICKS = 20000;
const SYMBOLS_REFRESH_MS = 60e3;
const AGE_REFRESH_MS = 1e3;
const $ = sel => document.querySelector(sel);

const page = {
	market: null, log: null, feed: null, chart: null, trades: null,
	list: null, age: null, view: null, store_tz: null, feed_zone: 'UTC',
	conn: 'connecting', conn_detail: '', loads: 0,
};

/* url_keep: the view in the URL (PUSH: as a new history entry). */
function url_keep(push) {
	const url = location.pathname + state_search(page.view) + location.hash;
	if (url === location.pathname + location.search + location.hash)
		return;
	if (push)
		history.pushState(null, '', url);
	else
		history.replaceState(null, '', url);
}

/* zone_of: the tz database name of a view's zone choice TZ. */
function zone_of(tz) {
	return { feed: page.feed_zone, utc: 'UTC', local: browser_zone() }[tz];
}

/*
 * set_feed_zone: the store's trading zone TZ, as `symbols` names it
 * (UTC when the browser does not know it, or an older API names none).
 */
function set_feed_zone(tz) {
	page.store_tz = tz;
	page.feed_zone = tz && zone_known(tz) ? tz : 'UTC';
	const opt = $('#zone option[value="feed"]');
	opt.textContent = 'feed · ' + page.feed_zone;
	$('#zone option[value="local"]').textContent = 'browser · ' + browser_zone();
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
	const s = page.market && page.market.get(page.view.symbol);
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

/* show_controls: the interval, overlay and zone controls as the view says. */
function show_controls() {
	const v = page.view;
	for (const b of document.querySelectorAll('[data-interval]')) {
		const on = b.dataset.interval === v.interval;
		b.classList.toggle('active', on);
		b.setAttribute('aria-pressed', String(on));
	}
	for (const name of ['sma', 'ema']) {
		$('#ov-' + name).checked = v[name] !== null;
		if (v[name] !== null)
			$('#ov-' + name + '-n').value = String(v[name]);
	}
	$('#ov-vwap').checked = v.vwap;
	$('#zone').value = v.tz;
	$('#zone-name').textContent = zone_of(v.tz);
}

/*
 * show_view: show view WANT (state.js; PUSH: a new history entry): the
 * overlays and the zone at once, the chart and the trades read again
 * when the symbol or interval changed.
 */
function show_view(want, push) {
	const before = page.view;
	if (!page.market.get(want.symbol))
		want = { ...want, symbol: page.market.names()[0] };
	page.view = want;
	url_keep(push);
	show_controls();
	page.list.select(want.symbol);
	show_quote();
	const zone = zone_of(want.tz);
	page.chart.set_view_zone(zone);
	page.trades.set_zone(zone);
	page.chart.set_overlays(want.sma, want.ema, want.vwap);
	if (!before || before.symbol !== want.symbol)
		load_trades();
	if (!before || before.symbol !== want.symbol ||
	    before.interval !== want.interval)
		load_chart();
}

/* change: show the view with CHANGES (PUSH: a new history entry). */
function change(changes, push) {
	show_view({ ...page.view, ...changes }, push);
}

/* retry_later: FN again in 3 s unless the view moved on (load N). */
function retry_later(n, fn) {
	setTimeout(() => { if (n === page.loads) fn(); }, 3e3);
}

async function load_chart() {
	const { symbol, interval } = page.view;
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
		retry_later(n, load_chart);
	}
}

async function load_trades() {
	const symbol = page.view.symbol;
	try {
		await page.trades.load(symbol);
	} catch (e) {
		setTimeout(() => {
			if (page.view.symbol === symbol && !page.trades.ready)
				load_trades();
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
		page.trades.tick(tk);
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
	const s = moved.get(page.view.symbol);
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
		if (answer.tz !== page.store_tz) {
			/* set-tz: the store's days moved; read everything again */
			set_feed_zone(answer.tz);
			const view = page.view;
			page.view = null;
			show_view(view, false);
		}
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

/* wire_overlay: the checkbox and length of overlay NAME (sma, ema). */
function wire_overlay(name) {
	const box = $('#ov-' + name), len = $('#ov-' + name + '-n');
	const length = () => {
		const n = Number(len.value);
		return length_ok(n) ? n : null;
	};
	box.addEventListener('change', () => {
		if (box.checked && length() === null)
			len.value = len.defaultValue;
		change({ [name]: box.checked ? length() : null }, false);
	});
	len.addEventListener('change', () => {
		if (length() === null)
			len.value = String(page.view[name] ?? len.defaultValue);
		else if (box.checked)
			change({ [name]: length() }, false);
	});
}

function wire_controls() {
	for (const b of document.querySelectorAll('[data-interval]'))
		b.addEventListener('click', () => {
			if (b.dataset.interval !== page.view.interval)
				change({ interval: b.dataset.interval }, true);
		});
	wire_overlay('sma');
	wire_overlay('ema');
	$('#ov-vwap').addEventListener('change', ev =>
	    change({ vwap: ev.target.checked }, false));
	$('#zone').addEventListener('change', ev =>
	    change({ tz: ev.target.value }, false));
	window.addEventListener('popstate', () => {
		const want = state_parse(location.search);
		show_view({ ...want, symbol: want.symbol || page.view.symbol },
		    false);
	});
}

function debug_hook() {
	window.tickfeed = Object.freeze({
		bars: () => page.chart.data(),
		query: () => page.chart.query(),
		ready: () => page.chart.ready,
		symbol: () => page.view.symbol,
		interval: () => page.view.interval,
		view: () => ({ ...page.view }),
		zones: () => ({ axis: page.chart.axis.zone,
		    trades: page.trades.zone, feed: page.feed_zone }),
		overlays: () => page.chart.overlays.data(),
		history: () => page.chart.history(),
		visible: () => page.chart.visible(),
		x_of: t => page.chart.x_of(t),
		hover: () => page.chart.hover,
		axis_marks: () => page.chart.axis.marks.slice(),
		legend: () => page.chart.legend.text(),
		trades: () => page.trades.data(),
		trades_ready: () => page.trades.ready,
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
			/* Asked for a key: the login form says so (auth.js). */
			if (e.status === 401 || e.status === 403)
				show_notice('');
			else
				show_notice('The tickfeed API does not answer (' +
				    e.message + '). Retrying…');
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
	set_feed_zone(answer.tz);
	page.log = new TickLog(LOG_TICKS, answer.cursor);
	page.age = new TickAge(newest_ts(answer));
	show_age();
	page.chart = new ChartView($('#chart'), page.log);
	page.trades = new TradesView($('#trade-list'), page.log);
	page.list = new SymbolList($('#symbol-list'), name => {
		if (name !== page.view.symbol)
			change({ symbol: name }, true);
	});
	page.list.render(page.market);
	page.feed = new Feed(page.market.names(), answer.cursor, on_ticks,
	    show_conn, on_beat);
	debug_hook();
	wire_controls();
	page.feed.start();
	setInterval(refresh_symbols, SYMBOLS_REFRESH_MS);
	setInterval(show_age, AGE_REFRESH_MS);
	show_view(state_parse(location.search), false);
}

start();
