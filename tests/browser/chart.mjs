// chart.mjs: the chart page in headless Debian Chromium (playwright-core)
// against the real stack chart.t started: nginx + tickfeed.fcgi + a
// database fed by tickfeed-ingest.  Prints TAP.
//
// Environment (set by chart.t):
//   TICKFEED_URL     the page, e.g. http://127.0.0.1:PORT/
//   TICKFEED_CTL     a script: app-stop | app-start | app-pause |
//                    app-resume | sim-stop | ingest FILE | prune
//   TICKFEED_DB      the store (read with sqlite3 for the truth)
//   TICKFEED_HEARTBEAT_MS  the app's stream heartbeat interval
//   TICKFEED_QUIET   a symbol only this test feeds (exact checks)
//   TICKFEED_LIVE    a symbol the simulator moves
//   TICKFEED_TMP     a scratch directory
//   TICKFEED_SCREENSHOT  where to keep the picture of the page
//   TICKFEED_SUBDIR_URL  the page in a sub-folder of another server
//   TICKFEED_KEYS_URL    the page where the API needs a key (never
//                        printed), TICKFEED_KEY

import { execFileSync } from 'node:child_process';
import { api, api_text, bars_of, bars_settle, BASE, caught_up, ctl, ingest_csv, launch,
    open_page, pages_opened, SETTLE_MS, sleep, trades_settle, watch_console } from './page.mjs';
import { diag, done_testing, is, like, ok } from './tap.mjs';

const QUIET = process.env.TICKFEED_QUIET;
const LIVE = process.env.TICKFEED_LIVE;
const DB = process.env.TICKFEED_DB;
const HEARTBEAT_MS = Number(process.env.TICKFEED_HEARTBEAT_MS);
const SILENCE_MARGIN_MS = 1000;	/* www/js/feed.js */
const OUTAGE_MS = 6000;
const PRICE_BOUND_MS = 2000;	/* the feature: a tick shows within 2 s */
/* Under mod_cgi each stream is its own process that looks for new ticks
   now and then: slower by design, bounded here only to catch a stall. */
const CGI_PRICE_BOUND_MS = 10000;

/* Distinct prices for each run of test_live_tick: [new bar, same bar]. */
const LIVE_PRICES = {
	stream: ['123.45', '122.10'], poll: ['124.50', '125.00'],
	fallback: ['126.05', '120.90'], cors: ['127.35', '121.15'],
};

/* store_ids: every tick id in (FLOOR, CURSOR], in order, as sqlite3 reads them. */
function store_ids(floor, cursor) {
	const out = execFileSync('sqlite3', ['-readonly', DB, 'SELECT id FROM ticks ' +
	    `WHERE id > ${floor} AND id <= ${cursor} ORDER BY id`], { encoding: 'utf8' });
	return out.split('\n').filter(Boolean).map(Number);
}

async function test_load(browser) {
	const page = await open_page(browser, './', { viewport:
	    { width: 1280, height: 760 } });
	const sym = await api('symbols');
	const rows = await page.$$eval('#symbol-list li',
	    lis => lis.map(li => li.dataset.symbol));
	is(rows, sym.symbols.map(s => s.symbol), 'the list shows every symbol, in order');
	const first = sym.symbols[0].symbol;
	like(page.url(), new RegExp(`\\?symbol=${first}&interval=1m$`),
	    'with no choice in the URL, the first symbol at 1m is shown');
	const [got, want] = await bars_settle(page);
	ok(want.length > 10, `the history has bars (${want.length})`);
	is(got, want, 'the chart draws the candles answer bar for bar');
	const attribution = await page.$eval('footer a[href="https://www.tradingview.com/"]',
	    a => a.closest('span').textContent.replace(/\s+/g, ' ').trim());
	like(attribution, /Lightweight Charts™ — Copyright \(c\) 2023 TradingView, Inc\./,
	    'the licence\'s attribution notice and link are shown');
	await page.goto(new URL('./?symbol=NOPE&interval=toString', BASE).href);
	await page.waitForFunction(() => window.tickfeed && window.tickfeed.ready());
	like(page.url(), new RegExp(`\\?symbol=${first}&interval=1m$`),
	    'an unknown symbol and interval in the URL give the first symbol at 1m');
	is(page.errors, [], 'no console errors or warnings while loading');
	await page.context().close();
}

/* quiet_texts: the list row and quote of the quiet symbol, as shown. */
function quiet_texts(page) {
	return page.evaluate(sym => ({
		last: document.querySelector('#last-price').textContent,
		row: document.querySelector(`li[data-symbol="${sym}"] .px`).textContent,
	}), QUIET);
}

/*
 * price_moves: ingest one tick for SYMBOL; the page must show it within
 * BOUND ms (the feature's 2 s by default).
 */
async function price_moves(page, symbol, price, ts, name,
    bound = PRICE_BOUND_MS) {
	ingest_csv([`${symbol},${ts},${price},10`]);
	const t0 = Date.now();
	const moved = await page.waitForFunction(p =>
	    document.querySelector('#last-price').textContent === p,
	    price, { timeout: bound }).then(() => true, () => false);
	ok(moved, `${name}: the shown price is ${price} within ${bound} ms`);
	if (!moved)
		diag(`shown: ${JSON.stringify(await quiet_texts(page))}`);
	else
		diag(`shown after ${Date.now() - t0} ms`);
}

/*
 * test_live_tick: ticks for QUIET show at once and end equal to candles.
 * SETUP(context) may change the browser before the page loads: LABEL
 * 'poll' takes EventSource away; 'fallback' makes every stream request
 * fail, as behind a proxy that cannot stream, while the rest answers.
 */
async function test_live_tick(browser, label, setup) {
	const ctx = await browser.newContext({ viewport:
	    { width: 1280, height: 760 } });
	if (setup)
		await setup(ctx);
	const page = await open_page(ctx, `./?symbol=${QUIET}&interval=1m`);
	const conn = await page.evaluate(() => window.tickfeed.connection());
	conn.api_hosts = ctx.api_hosts;
	diag(`${label}: connection ${JSON.stringify(conn)}`);
	const last = (await api('quotes', { symbols: QUIET })).quotes[0];
	const minute = Math.floor(last.ts / 60000) * 60000;
	const [p1, p2] = LIVE_PRICES[label];
	await price_moves(page, QUIET, p1, minute + 60000 + 1000,
	    `${label}, new bar`);
	await price_moves(page, QUIET, p2, minute + 60000 + 2000,
	    `${label}, same bar`);
	is((await quiet_texts(page)).row, p2, `${label}: the list row shows it too`);
	ingest_csv([`${QUIET},${minute - 60000 + 5},99.99,7`]);
	await caught_up(page);
	const [got, want] = await bars_settle(page);
	is(got, want, `${label}: after a new bar, an update and a late tick, bars equal candles`);
	is(got[got.length - 1].close, Number(p2), `${label}: the last bar closes at the last tick`);
	const [tg, tw] = await trades_settle(page, QUIET);
	is(tg, tw, `${label}: the recent trades equal ticks?order=desc, prices as written`);
	is(tg.slice(0, 3).map(t => t.price), ['99.99', p2, p1],
	    `${label}: newest first: the late tick, then the two before it`);
	const errors = label === 'fallback' ? page.errors.filter(e =>
	    !/net::ERR_FAILED/.test(e)) : page.errors;
	is(errors, [], `${label}: no console errors or warnings` +
	    (label === 'fallback' ? ' but the failed streams' : ''));
	await page.context().close();
	return conn;
}

/*
 * cross_origin: the page from BASE with its <meta name="tickfeed-api">
 * set, as an admin would, to the same server under another name
 * (localhost for 127.0.0.1): another origin, so every API read and the
 * stream go through the API's CORS answers.
 */
async function cross_origin(ctx) {
	const api = new URL(BASE);
	api.hostname = 'localhost';
	ctx.api_hosts = new Set();
	ctx.on('request', r => {
		if (r.url().includes('/api/v1/'))
			ctx.api_hosts.add(new URL(r.url()).host);
	});
	await ctx.addInitScript(href => {
		/* parsed, before the page's deferred and module scripts run */
		document.addEventListener('readystatechange', () => {
			if (document.readyState === 'interactive')
				document.querySelector('meta[name="tickfeed-api"]')
				    .content = href;
		});
	}, api.href);
}

async function click_and_check(page, selector, symbol, interval) {
	await page.click(selector);
	await page.waitForFunction(([s, i]) => window.tickfeed.symbol() === s &&
	    window.tickfeed.interval() === i && window.tickfeed.ready(),
	    [symbol, interval]);
	like(page.url(), new RegExp(`\\?symbol=${symbol}&interval=${interval}$`),
	    `the URL keeps ${symbol} ${interval}`);
	const [got, want] = await bars_settle(page);
	ok(want.length > 0, `${symbol} ${interval} has bars (${want.length})`);
	is(got, want, `${symbol} ${interval}: the chart's bars equal candles`);
}

async function test_switch(browser) {
	const page = await open_page(browser, `./?symbol=${QUIET}&interval=1m`);
	await click_and_check(page, `li[data-symbol="${LIVE}"] button`, LIVE, '1m');
	for (const iv of ['5m', '30m', '1h', '4h', '1d', '1w'])
		await click_and_check(page, `button[data-interval="${iv}"]`, LIVE, iv);
	await page.goBack();
	await page.waitForFunction(() => window.tickfeed.interval() === '1d' &&
	    window.tickfeed.ready());
	is(await page.evaluate(() => window.tickfeed.interval()), '1d',
	    'Back returns to the previous interval');
	is(page.errors, [], 'no console errors or warnings while switching');
	await page.context().close();
}

/*
 * test_keys: with API keys on, the page asks for a key, says a wrong one
 * is not valid, logs in with the good one, sends it as Bearer on fetches
 * and as the cookie on the stream, goes live and shows a tick.
 */
async function test_keys(browser, base, key) {
	const ctx = await browser.newContext({ viewport:
	    { width: 1280, height: 760 } });
	const page = await ctx.newPage();
	const sent = { bearer: 0, other: 0, stream_cookie: 0 };
	page.errors = [];
	pages_opened.push(page);
	watch_console(page, page.errors);
	page.on('request', async r => {
		const u = new URL(r.url());
		if (!u.pathname.includes('/api/v1/'))
			return;
		const h = await r.allHeaders();	/* with the cookie */
		if (u.pathname.endsWith('/stream'))
			sent.stream_cookie += (h.cookie || '').includes(`tickfeed_key=${key}`);
		else if (h.authorization === `Bearer ${key}`)
			sent.bearer++;
		else
			sent.other++;
	});
	await page.goto(new URL(`./?symbol=${QUIET}&interval=1m`, base).href);
	const label = () => page.$eval('#login label', l => l.textContent);
	await page.waitForSelector('#login input[type="password"]');
	is(await label(), 'This tickfeed needs an API key.',
	    'keys on: the page asks for a key');
	await page.fill('#login input', 'x'.repeat(43));
	await Promise.all([page.waitForEvent('load'), page.click('#login button')]);
	await page.waitForSelector('#login input');
	is(await label(), 'This API key is not valid: enter another.',
	    'keys on: a wrong key is refused, and the page says so');
	await page.fill('#login input', key);
	await Promise.all([page.waitForEvent('load'), page.click('#login button')]);
	await page.waitForFunction(() => window.tickfeed &&
	    window.tickfeed.ready() &&
	    window.tickfeed.connection().state === 'live', null,
	    { timeout: SETTLE_MS });
	is(await page.evaluate(() => window.tickfeed.connection().detail),
	    'stream', 'keys on: logged in, the page is live over the stream');
	ok(await page.$('#login') === null, 'keys on: no form once logged in');
	const cookie = (await ctx.cookies()).find(c => c.name === 'tickfeed_key');
	is(cookie && [cookie.value === key, cookie.path, cookie.sameSite],
	    [true, '/api/', 'Strict'], 'keys on: the stream\'s cookie: ' +
	    'the key, Path=/api/, SameSite=Strict');
	await price_moves(page, QUIET, '118.35', Date.now(), 'keys on');
	ok(sent.bearer > 0 && sent.stream_cookie > 0,
	    `keys on: fetches sent Bearer (${sent.bearer}), the stream the ` +
	    `cookie (${sent.stream_cookie})`);
	await Promise.all([page.waitForEvent('load'), page.click('#logout')]);
	await page.waitForSelector('#login input');
	ok((await ctx.cookies()).every(c => c.name !== 'tickfeed_key'),
	    'keys on: log out forgets the key: the form again, no cookie');
	is(page.errors.filter(e => !/status of 401/.test(e)), [],
	    'keys on: no console errors but the refused requests');
	await ctx.close();
}

/* test_subdir: the page in a sub-folder (Apache mod_cgi, .htaccess). */
async function test_subdir(browser, base) {
	const page = await open_page(browser, `./?symbol=${QUIET}&interval=15m`,
	    {}, base);
	const [got, want] = await bars_settle(page, base);
	ok(want.length > 0, `sub-folder: ${QUIET} 15m has bars (${want.length})`);
	is(got, want, 'sub-folder: the chart\'s bars equal candles');
	await price_moves(page, QUIET, '119.87', Date.now(), 'sub-folder',
	    CGI_PRICE_BOUND_MS);
	const paths = await page.evaluate(() => [...new Set(performance
	    .getEntriesByType('resource').map(e => new URL(e.name).pathname)
	    .filter(p => p.includes('/api/v1/'))
	    .map(p => p.replace(/api\/v1\/.*/, 'api/v1/')))]);
	is(paths, [new URL(base).pathname + 'api/v1/'],
	    'sub-folder: the API is read beside the page');
	const conn = await page.evaluate(() => window.tickfeed.connection());
	diag(`sub-folder: connection ${JSON.stringify(conn)}`);
	is(page.errors, [], 'sub-folder: no console errors or warnings');
	await page.context().close();
}

async function test_phone(browser) {
	const page = await open_page(browser, `./?symbol=${LIVE}&interval=1m`,
	    { viewport: { width: 390, height: 844 }, isMobile: true,
	      hasTouch: true });
	const m = await page.evaluate(() => {
		const r = document.querySelector('#chart').getBoundingClientRect();
		return { scroll: document.documentElement.scrollWidth,
		    chart_w: Math.round(r.width), chart_h: Math.round(r.height) };
	});
	is(m.scroll, 390, 'phone width: nothing wider than the screen');
	ok(m.chart_w === 390 && m.chart_h >= 300,
	    `phone width: the chart fills the width (${m.chart_w}x${m.chart_h})`);
	await page.waitForFunction(() => window.tickfeed.trades_ready());
	const shown = await page.evaluate(() => {
		const on_screen = el => {
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.left >= 0 && r.right <= innerWidth &&
			    r.top < innerHeight;
		};
		const n = sel => [...document.querySelectorAll(sel)].filter(on_screen).length;
		return [n('[data-interval]'), n('.ov'), n('.zone select'),
		    n('.trades li') > 0];
	});
	is(shown, [8, 3, 1, true],
	    'phone width: the 8 intervals, 3 overlays, the zone and recent trades are on the screen');
	is(page.errors, [], 'phone width: no console errors or warnings');
	await page.context().close();
}

/*
 * screenshot: the live page with the overlays on, at desktop width into
 * FILE and, if PHONE_FILE, at phone width.
 */
async function screenshot(browser, file, phone_file) {
	const view = `./?symbol=${LIVE}&interval=1m&sma=20&ema=50&vwap=1`;
	const shots = [[file, { viewport: { width: 1280, height: 800 } }],
	    [phone_file, { viewport: { width: 390, height: 844 },
	    isMobile: true, hasTouch: true }]];
	for (const [f, opts] of shots) {
		if (!f)
			continue;
		const page = await open_page(browser, view,
		    { ...opts, deviceScaleFactor: 1 });
		await page.waitForFunction(() => window.tickfeed.trades_ready());
		await sleep(3000);	/* a few live ticks flash in the list */
		await page.screenshot({ path: f });
		ok(true, `screenshot of the live page in ${f}`);
		await page.context().close();
	}
}

/* age_shown: the "last tick" text of PAGE and whether it is visible. */
function age_shown(page) {
	return page.evaluate(() => {
		const el = document.querySelector('#tick-age');
		const r = el.getBoundingClientRect();
		return { text: el.textContent, visible: r.width > 0 && r.height > 0 };
	});
}

/*
 * test_restart: the app stopped for OUTAGE_MS while the simulator goes
 * on, then started again.  The page keeps its stream (the web server's
 * retry answer while the app is down: no fallback to long-poll, no
 * reload) and ends with every tick once.
 */
async function test_restart(browser) {
	const ctx = await browser.newContext();
	const polls = [];
	ctx.on('request', r => {
		if (r.url().includes('/api/v1/poll'))
			polls.push(r.url());
	});
	const page = await open_page(ctx, `./?symbol=${LIVE}&interval=1m`);
	let navigations = 0;
	page.on('framenavigated', f => { if (f === page.mainFrame()) navigations++; });
	/* a stream that served over 10 s is resumed at once when it ends
	   (feed.js stream_ended): the kill must go through that path too */
	await sleep(11000);
	const shown = await age_shown(page);
	ok(shown.visible && /^last tick \d+ s ago$/.test(shown.text),
	    `the age of the newest tick is shown ("${shown.text}")`);
	const age = await page.evaluate(() => window.tickfeed.tick_age());
	ok(age !== null && age < 3000, `with ticks 4 a second, it is fresh (${age} ms)`);
	const before = await page.evaluate(() => window.tickfeed.cursor());
	ctl('app-stop');
	const down_at = Date.now();
	await page.waitForFunction(() =>
	    window.tickfeed.connection().state !== 'live', null,
	    { timeout: SETTLE_MS });
	ok(true, 'with the app stopped, the page says it is not live');
	await sleep(OUTAGE_MS - (Date.now() - down_at));	/* the simulator goes on */
	ctl('app-start');
	const up_at = Date.now();
	await page.waitForFunction(() =>
	    window.tickfeed.connection().state === 'live', null,
	    { timeout: 60000 });
	const back = Date.now() - up_at;
	ok(back < 6000, `the page is live again ${back} ms after the app is back`);
	await sleep(2000);
	ctl('sim-stop');
	const cursor = await caught_up(page);
	ok(cursor > before, `ticks stored while the app was down arrived (${before} -> ${cursor})`);
	const feed = await page.evaluate(() => window.tickfeed.feed());
	diag(`feed: ${JSON.stringify(feed)}`);
	is([feed.mode, (await page.evaluate(() => window.tickfeed.connection())).detail],
	    ['stream', 'stream'], 'the page kept its stream across the restart');
	is(polls, [], 'it never fell back to long-poll');
	is(navigations, 0, 'it never reloaded');
	const got = await page.evaluate(() => window.tickfeed.received());
	is(got.ids, store_ids(got.floor, cursor),
	    `every tick since the page loaded arrived once, in id order (${got.ids.length})`);
	is(feed.dupes, 0, 'no tick was sent to it twice (each stream resumed exactly at its cursor)');
	const q = await page.evaluate(() => window.tickfeed.query());
	const want = bars_of(await api('candles', q));
	const bars = await page.evaluate(() => window.tickfeed.bars());
	is(bars, want, 'after the restart the chart equals candles, bar for bar');
	const sym = await api('symbols');
	const rows = await page.$$eval('#symbol-list li', lis => lis.map(li =>
	    [li.dataset.symbol, li.querySelector('.px').textContent]));
	is(rows.map(r => r[0]), sym.symbols.map(s => s.symbol), 'the list kept every symbol');
	const exact = await api_raw_prices();
	is(rows, exact, 'every listed price equals the symbols answer, as written');
	const bad = page.errors.filter(e => e.startsWith('pageerror'));
	is(bad, [], 'no script errors across the restart');
	await page.context().close();
}

/* feed_of: the feed's figures (window.tickfeed.feed()). */
function feed_of(page) {
	return page.evaluate(() => window.tickfeed.feed());
}

/*
 * test_silent: the simulator has stopped.  A quiet market stays live
 * (the heartbeats) while the "last tick" age grows; a stream made silent
 * (the app SIGSTOPped) is noticed two heartbeats and a margin after its
 * last event, and the page reconnects by itself once the app runs again.
 */
async function test_silent(browser) {
	const page = await open_page(browser, `./?symbol=${QUIET}&interval=1m`);
	is((await feed_of(page)).heartbeat_ms, HEARTBEAT_MS,
	    'the page took the heartbeat interval from the start event');
	const a1 = await page.evaluate(() => window.tickfeed.tick_age());
	await sleep(3 * HEARTBEAT_MS + SILENCE_MARGIN_MS);
	const a2 = await page.evaluate(() => window.tickfeed.tick_age());
	const quiet = await feed_of(page);
	ok(quiet.stalls === 0 && (await page.evaluate(() =>
	    window.tickfeed.connection().state)) === 'live',
	    `no tick for ${3 * HEARTBEAT_MS + SILENCE_MARGIN_MS} ms: still live (heartbeats), no stall`);
	ok(a2 - a1 >= 3 * HEARTBEAT_MS, `meanwhile the age grew (${a1} -> ${a2} ms)`);
	like((await age_shown(page)).text, /^last tick \d+ s ago$/, 'and is shown');
	const limit = 2 * HEARTBEAT_MS + SILENCE_MARGIN_MS;
	ctl('app-pause');
	const paused = Date.now();
	try {
		await page.waitForFunction(() => window.tickfeed.feed().stalls > 0,
		    null, { timeout: 4 * limit });
		const f = await feed_of(page);
		const since_event = f.stalled_at - f.last_event_at;
		const since_pause = f.stalled_at - paused;
		ok(since_event >= limit && since_event < limit + 500,
		    `the silence is noticed ${since_event} ms after the last event (2 heartbeats + margin: ${limit} ms)`);
		ok(since_pause <= limit + 500,
		    `that is ${since_pause} ms after the app stopped`);
		ok((await page.evaluate(() => window.tickfeed.connection().state)) !== 'live',
		    'the page says it is not live');
		await sleep(1500);
	} finally {
		ctl('app-resume');
	}
	await page.waitForFunction(() =>
	    window.tickfeed.connection().state === 'live', null,
	    { timeout: 20000 });
	is((await feed_of(page)).mode, 'stream', 'once the app runs again, the page streams again');
	await price_moves(page, QUIET, '131.31', Date.now(), 'after the stall');
	await caught_up(page);
	const cursor = await page.evaluate(() => window.tickfeed.cursor());
	const got = await page.evaluate(() => window.tickfeed.received());
	is(got.ids, store_ids(got.floor, cursor), 'every tick once, in id order');
	is(page.errors, [], 'no console errors or warnings across the stall');
	await page.context().close();
}

/*
 * test_pruned: while the app is down, the ticks after the page's cursor
 * are pruned (candles are kept): the API answers 410 to that cursor, and
 * the page must start over by itself and end equal to candles.
 */
async function test_pruned(browser) {
	const page = await open_page(browser, `./?symbol=${LIVE}&interval=1m`);
	ctl('app-stop');
	/* newer than any tick of LIVE (the simulator has stopped), and old
	   enough for the prune: its id is above the page's cursor */
	ingest_csv([`${LIVE},${Date.now() - 1000},410.10,100`]);
	ctl('prune');
	ctl('app-start');
	await page.waitForEvent('load', { timeout: 60000 });
	ok(true, 'with its cursor pruned away, the page loads itself afresh');
	await page.waitForFunction(() => window.tickfeed &&
	    window.tickfeed.ready() &&
	    window.tickfeed.connection().state === 'live', null,
	    { timeout: SETTLE_MS });
	const q = await page.evaluate(() => window.tickfeed.query());
	const want = bars_of(await api('candles', q));
	const got = await page.evaluate(() => window.tickfeed.bars());
	is(got, want, 'after starting over the chart equals candles, bar for bar');
	is(got[got.length - 1].close, 410.1, 'the tick stored while down is drawn');
	is(page.errors.filter(e => e.startsWith('pageerror')), [],
	    'no script errors across the prune');
	await page.context().close();
}

/* api_raw_prices: [symbol, price text as the API wrote it] from `symbols`. */
async function api_raw_prices() {
	const text = await api_text('symbols');
	const out = [];
	const re = /"symbol"\s*:\s*"([^"]+)"[^}]*?"price"\s*:\s*(-?[0-9.]+)/g;
	for (let m; (m = re.exec(text));)
		out.push([m[1], m[2]]);
	return out;
}

async function main() {
	const browser = await launch();
	try {
		await test_load(browser);
		await test_live_tick(browser, 'stream', null);
		let c = await test_live_tick(browser, 'poll', ctx =>
		    ctx.addInitScript(() => { delete window.EventSource; }));
		is(c.detail, 'poll', 'without EventSource the page long-polls');
		c = await test_live_tick(browser, 'fallback', ctx =>
		    ctx.route('**/api/v1/stream?*', route => route.abort()));
		is(c.detail, 'poll', 'when the stream never opens, the page long-polls');
		c = await test_live_tick(browser, 'cors', cross_origin);
		is(c.detail, 'stream', 'the stream works across origins');
		is([...c.api_hosts], [new URL(BASE).host.replace('127.0.0.1', 'localhost')],
		    'with the API on another origin, every API request went there');
		if (process.env.TICKFEED_KEYS_URL)
			await test_keys(browser, process.env.TICKFEED_KEYS_URL,
			    process.env.TICKFEED_KEY);
		await test_switch(browser);
		await test_phone(browser);
		if (process.env.TICKFEED_SUBDIR_URL)
			await test_subdir(browser, process.env.TICKFEED_SUBDIR_URL);
		if (process.env.TICKFEED_SCREENSHOT)
			await screenshot(browser, process.env.TICKFEED_SCREENSHOT,
			    process.env.TICKFEED_SCREENSHOT_PHONE);
		await test_restart(browser);
		await test_silent(browser);
		await test_pruned(browser);
	} catch (e) {
		ok(false, 'the browser test ran to its end');
		diag(e.stack);
		const last = pages_opened[pages_opened.length - 1];
		if (last)
			diag('the last page said:\n' + last.errors.join('\n'));
	} finally {
		await browser.close();
	}
	process.exitCode = done_testing() ? 0 : 1;
}

main();
