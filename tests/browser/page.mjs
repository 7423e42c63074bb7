// page.mjs: what the browser tests (chart.mjs, market.mjs) share: the
// headless Chromium they drive, the API read directly for the truth, the
// stack control script of the .t file, and opening the page.
//
// Environment (set by the .t file):
//   TICKFEED_URL     the page, e.g. http://127.0.0.1:PORT/
//   TICKFEED_CTL     a script: ingest FILE, and what else the .t offers
//   TICKFEED_TMP     a scratch directory

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.TICKFEED_URL;
export const SETTLE_MS = 20000;	/* how long a live chart may take to match */

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/* launch: Debian's Chromium, headless. */
export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-quic', '--no-first-run',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}

export function ctl(...args) {
	return execFileSync(process.env.TICKFEED_CTL, args,
	    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/* api_text: the answer of ENDPOINT with PARAMS as the API wrote it. */
export async function api_text(endpoint, params = {}, base = BASE) {
	const url = new URL('api/v1/' + endpoint, base);
	for (const [k, v] of Object.entries(params))
		url.searchParams.set(k, String(v));
	const res = await fetch(url);
	if (!res.ok)
		throw new Error(`${url}: HTTP ${res.status}`);
	return res.text();
}

export async function api(endpoint, params = {}, base = BASE) {
	return JSON.parse(await api_text(endpoint, params, base));
}

/*
 * api_trades: the recent trades of SYMBOL as `ticks?order=desc` lists
 * them, prices as the API wrote them: [{id, price (text), size}].
 */
export async function api_trades(symbol, limit) {
	const text = await api_text('ticks', { symbol, order: 'desc', limit });
	const out = [];
	const re = /\{"id":(\d+),"ts":(\d+),"price":(-?[0-9.]+),"size":(\d+)\}/g;
	for (let m; (m = re.exec(text));)
		out.push({ id: Number(m[1]), ts: Number(m[2]), price: m[3], size: m[4] });
	if (out.length !== JSON.parse(text).ticks.length)
		throw new Error('api_trades: a tick not in the expected form: ' + text);
	return out;
}

/* trades_of: PAGE's recent trades without their times: [{id, price, size}]. */
export async function trades_of(page) {
	return (await page.evaluate(() => window.tickfeed.trades()))
	    .map(({ id, price, size }) => ({ id, price, size }));
}

/*
 * trades_settle: the page's recent trades compared with the API's, tried
 * until they match or SETTLE_MS passes.  Returns [got, want] (no times).
 */
export async function trades_settle(page, symbol) {
	const until = Date.now() + SETTLE_MS;
	let got, want;
	for (;;) {
		await page.waitForFunction(() => window.tickfeed.trades_ready());
		got = await trades_of(page);
		want = (await api_trades(symbol, 30)).map(({ id, price, size }) =>
		    ({ id, price, size }));
		if (JSON.stringify(got) === JSON.stringify(want) ||
		    Date.now() > until)
			return [got, want];
		await sleep(250);
	}
}

/* bars_of: the fields of a `candles` answer the chart's bars() has. */
export function bars_of(answer) {
	return answer.candles.map(c => ({ t: c.t, open: c.open, high: c.high,
	    low: c.low, close: c.close, volume: c.volume }));
}

/* ingest_csv: store LINES (symbol,ts,price,size) through tickfeed-ingest. */
let csv_n = 0;
export function ingest_csv(lines) {
	const file = `${process.env.TICKFEED_TMP}/feed-${++csv_n}.csv`;
	writeFileSync(file, 'symbol,ts,price,size\n' + lines.join('\n') + '\n');
	return ctl('ingest', file);
}

export function watch_console(page, sink) {
	page.on('console', m => {
		if (m.type() === 'error' || m.type() === 'warning')
			sink.push(`${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', e => sink.push(`pageerror: ${e.message}`));
}

export const pages_opened = [];

/*
 * open_page: PATH in a new page of CTX (a browser: in a new context with
 * OPTS), once it is drawn and live; page.errors collects the console's
 * errors and warnings.
 */
export async function open_page(ctx, path, opts = {}, base = BASE) {
	if (ctx.newContext)
		ctx = await ctx.newContext(opts);
	const page = await ctx.newPage();
	page.errors = [];
	pages_opened.push(page);
	watch_console(page, page.errors);
	await page.goto(new URL(path, base).href);
	await page.waitForFunction(() => window.tickfeed &&
	    window.tickfeed.ready() &&
	    window.tickfeed.connection().state === 'live', null,
	    { timeout: SETTLE_MS });
	return page;
}

/*
 * bars_settle: the chart's bars compared with `candles` (the same query),
 * tried until they match or SETTLE_MS passes: with ticks arriving, the two
 * are read at slightly different moments.  Returns [got, want].
 */
export async function bars_settle(page, base = BASE) {
	const until = Date.now() + SETTLE_MS;
	let got, want;
	for (;;) {
		await page.waitForFunction(() => window.tickfeed &&
		    window.tickfeed.ready());
		const q = await page.evaluate(() => window.tickfeed.query());
		want = bars_of(await api('candles', q, base));
		got = await page.evaluate(() => window.tickfeed.bars());
		if (JSON.stringify(got) === JSON.stringify(want) ||
		    Date.now() > until)
			return [got, want];
		await sleep(250);
	}
}

/* caught_up: wait until the page's feed cursor reaches the API's. */
export async function caught_up(page) {
	const h = await api('health');
	await page.waitForFunction(c => window.tickfeed.cursor() >= c,
	    h.cursor, { timeout: SETTLE_MS });
	return h.cursor;
}
