// market.mjs: scroll back, overlays, the URL, the time zones of the axis
// and recent trades, in headless Debian Chromium against the stack
// market.t started (a store in America/New_York).  Prints TAP.
//
// Environment (set by market.t): TICKFEED_URL, TICKFEED_CTL (ingest
// FILE), TICKFEED_TMP; see page.mjs.

import { api, api_trades, bars_of, bars_settle, caught_up, ingest_csv,
    launch, open_page, pages_opened, trades_settle } from './page.mjs';
import { diag, done_testing, is, ok } from './tap.mjs';

const NY = 'America/New_York';
const PAGE = 500;		/* www/js/chart.js PAGE_BARS */
const TRADE_ROWS = 30;		/* www/js/trades.js */
const MAX_DRAGS = 80;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const Z = iso => Date.parse(iso);

const tf = (page, fn, arg) => page.evaluate(fn, arg);
const view_of = page => tf(page, () => window.tickfeed.view());
const search_of = page => new URL(page.url()).search;

/* walk: the API's candles of SYMBOL at INTERVAL, page by page backwards. */
async function walk(symbol, interval) {
	const pages = [];
	let a = await api('candles', { symbol, interval, limit: PAGE });
	pages.unshift(a.candles);
	while (a.more) {
		a = await api('candles', { symbol, interval, limit: PAGE, to: a.next });
		pages.unshift(a.candles);
	}
	return { bars: bars_of({ candles: pages.flat() }), pages: pages.length };
}

/* drag: drag the chart DX pixels to the right (older bars come in). */
async function drag(page, dx) {
	const box = await page.locator('#chart').boundingBox();
	const y = box.y + box.height * 0.4;
	const x = box.x + box.width * 0.15;
	await page.mouse.move(x, y);
	await page.mouse.down();
	await page.mouse.move(x + dx, y, { steps: 8 });
	await page.mouse.up();
}

async function test_scroll_back(browser) {
	const page = await open_page(browser, './?symbol=HIST&interval=1m', DESKTOP);
	let h = await tf(page, () => window.tickfeed.history());
	ok(h.pages === 1 && h.more && h.bars === PAGE,
	    `the chart opens with the latest page (${h.bars} bars, more: ${h.more})`);
	const seen = [];
	let drags = 0;
	for (; drags < MAX_DRAGS; drags++) {
		h = await tf(page, () => window.tickfeed.history());
		const v = await tf(page, () => window.tickfeed.visible());
		if (!h.more && !h.loading && v.from <= 0)
			break;
		if (seen[seen.length - 1] !== h.pages)
			seen.push(h.pages);
		await drag(page, 600);
		await page.waitForFunction(() => !window.tickfeed.history().loading);
	}
	h = await tf(page, () => window.tickfeed.history());
	diag(`${drags} drags; pages loaded as it went: ${seen.join(' ')} -> ${h.pages}`);
	ok(!h.more && drags < MAX_DRAGS, `dragging left loaded every page until the store had no more (${h.pages} pages)`);
	const want = await walk('HIST', '1m');
	is(h.pages, want.pages, 'as many pages as a walk of the API takes');
	const got = await tf(page, () => window.tickfeed.bars());
	const times = got.map(b => b.t);
	is(new Set(times).size, times.length, `no bar twice (${times.length} bars)`);
	ok(times.every((t, i) => i === 0 || t > times[i - 1]), 'the bars in time order');
	is(got, want.bars, 'the bars equal the API\'s pages walked backwards, bar for bar');
	const one = await api('candles', { symbol: 'HIST', interval: '1m',
	    from: times[0], to: times[times.length - 1] + 1, limit: 10000 });
	is(got, bars_of(one), 'and a single read of the whole range: no hole at any seam');
	ok(await page.isVisible('.go-live'), 'scrolled away: "go to live" is shown');
	await page.click('.go-live');
	await page.waitForFunction(() => {
		const v = window.tickfeed.visible();
		return v.to >= v.bars - 1;
	}, null, { timeout: 5000 });
	ok(true, '"go to live" brings the last bar into view');
	ok(!(await page.isVisible('.go-live')), 'and goes away');
	is(page.errors, [], 'no console errors or warnings while scrolling back');
	await page.context().close();
}

/* sma_of, ema_of: the arithmetic again, independently of the page. */
function sma_of(closes, n) {
	return closes.map((_, i) => i < n - 1 ? null :
	    closes.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n);
}

function ema_of(closes, n) {
	const k = 2 / (n + 1);
	const out = closes.map(() => null);
	for (let i = n - 1; i < closes.length; i++)
		out[i] = i === n - 1 ? closes.slice(0, n).reduce((a, b) => a + b, 0) / n :
		    closes[i] * k + out[i - 1] * (1 - k);
	return out;
}

/*
 * line_is: whether the points of a line series (no point where there is
 * no value) are WANT (a value or null per candle of CANDLES), within 1e-9.
 */
function line_is(points, candles, want) {
	const expect = candles.map((c, i) => ({ t: c.t, value: want[i] }))
	    .filter(p => p.value !== null);
	return points.length === expect.length && points.every((p, i) =>
	    p.t === expect[i].t && Math.abs(p.value - expect[i].value) < 1e-9);
}

/* lines_check: PAGE's overlays against the candles it shows; NAME for the checks. */
async function lines_check(page, sma_n, ema_n, name) {
	const q = await tf(page, () => window.tickfeed.query());
	const candles = (await api('candles', q)).candles;
	const ov = await tf(page, () => window.tickfeed.overlays());
	const closes = candles.map(c => c.close);
	ok(line_is(ov.sma, candles, sma_of(closes, sma_n)) &&
	    ov.sma.length === candles.length - sma_n + 1,
	    `${name}: SMA ${sma_n} is the average of the last ${sma_n} closes at each of ${candles.length} bars but the first ${sma_n - 1}`);
	ok(line_is(ov.ema, candles, ema_of(closes, ema_n)),
	    `${name}: EMA ${ema_n} from the SMA of the first ${ema_n}, k = 2/${ema_n + 1}`);
	is(ov.vwap, candles.map(c => ({ t: c.t, value: c.vwap })), `${name}: VWAP is each candle's vwap, exactly`);
	return { candles, ov };
}

async function test_overlays(browser) {
	const page = await open_page(browser, './?symbol=HIST&interval=5m', DESKTOP);
	let ov = await tf(page, () => window.tickfeed.overlays());
	is([ov.sma.length, ov.ema.length, ov.vwap.length], [0, 0, 0], 'overlays are off by default');
	is((await tf(page, () => window.tickfeed.legend()))[1], '', 'and the legend has no line for them');
	await page.check('#ov-sma');
	is(search_of(page), '?symbol=HIST&interval=5m&sma=20', 'SMA on: in the URL with its default length');
	await page.locator('#ov-ema-n').fill('9');
	await page.locator('#ov-ema-n').blur();
	is(search_of(page), '?symbol=HIST&interval=5m&sma=20', 'a length alone does not turn EMA on');
	await page.check('#ov-ema');
	await page.check('#ov-vwap');
	is(search_of(page), '?symbol=HIST&interval=5m&sma=20&ema=9&vwap=1', 'EMA 9 and VWAP on: in the URL');
	const { candles, ov: lines } = await lines_check(page, 20, 9, '5m');
	const legend = (await tf(page, () => window.tickfeed.legend()))[1];
	is(legend, `SMA 20 ${lines.sma.at(-1).value.toFixed(2)}EMA 9 ${lines.ema.at(-1).value.toFixed(2)}` +
	    `VWAP ${candles.at(-1).vwap.toFixed(2)}`, `the legend shows the last bar's values (${legend})`);
	await page.locator('#ov-sma-n').fill('1');
	await page.locator('#ov-sma-n').blur();
	is([search_of(page), await page.inputValue('#ov-sma-n')],
	    ['?symbol=HIST&interval=5m&sma=20&ema=9&vwap=1', '20'], 'a length of 1 is refused: 20 stays');
	await page.click('button[data-interval="15m"]');
	await page.waitForFunction(() => window.tickfeed.interval() === '15m' && window.tickfeed.ready());
	is(search_of(page), '?symbol=HIST&interval=15m&sma=20&ema=9&vwap=1', 'another interval keeps the overlays');
	await lines_check(page, 20, 9, '15m');
	const link = page.url();
	const other = await open_page(browser, link, DESKTOP);
	is(await view_of(other), await view_of(page), 'the link opens the same view');
	is(await tf(other, () => window.tickfeed.overlays()), await tf(page, () => window.tickfeed.overlays()),
	    'with the same lines, point for point');
	is(other.errors, [], 'no console errors or warnings in the copy');
	await other.context().close();
	await page.goBack();
	await page.waitForFunction(() => window.tickfeed.interval() === '5m' && window.tickfeed.ready());
	is(search_of(page), '?symbol=HIST&interval=5m&sma=20&ema=9&vwap=1', 'Back: 5m, the overlays as they were');
	await lines_check(page, 20, 9, 'back at 5m');
	await page.uncheck('#ov-sma');
	await page.uncheck('#ov-vwap');
	ov = await tf(page, () => window.tickfeed.overlays());
	is([search_of(page), ov.sma.length, ov.vwap.length, ov.ema.length > 0],
	    ['?symbol=HIST&interval=5m&ema=9', 0, 0, true], 'SMA and VWAP off: out of the URL and off the chart');
	is(page.errors, [], 'no console errors or warnings with the overlays');
	await page.context().close();
}

async function test_url(browser) {
	const search = '?symbol=HIST&interval=15m&sma=10&ema=30&vwap=1&tz=utc';
	const page = await open_page(browser, './' + search, DESKTOP);
	is(search_of(page), search, 'a link with every setting stays as it was');
	is(await view_of(page), { symbol: 'HIST', interval: '15m', sma: 10, ema: 30, vwap: true, tz: 'utc' },
	    'and is the view shown');
	const controls = await tf(page, () => [
	    document.querySelector('#ov-sma').checked, document.querySelector('#ov-sma-n').value,
	    document.querySelector('#ov-ema').checked, document.querySelector('#ov-ema-n').value,
	    document.querySelector('#ov-vwap').checked, document.querySelector('#zone').value,
	    document.querySelector('[data-interval].active').dataset.interval,
	    document.querySelector('#zone-name').textContent]);
	is(controls, [true, '10', true, '30', true, 'utc', '15m', 'UTC'], 'the controls say so');
	await lines_check(page, 10, 30, 'from the link');
	is((await tf(page, () => window.tickfeed.zones())).axis, 'UTC', 'the axis is in UTC');
	is(page.errors, [], 'no console errors or warnings');
	await page.context().close();
}

const en = (zone, opts) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...opts });

/* wall_label: a tick mark's label as the page must write it, by Intl. */
function wall_label(t, type, zone) {
	const hm = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
	return [en(zone, { year: 'numeric' }), en(zone, { month: 'short' }),
	    en(zone, { day: 'numeric', month: 'short' }), en(zone, hm),
	    en(zone, { ...hm, second: '2-digit' })][type].format(t);
}

/* axis_check: the day marks of PAGE's axis are DAYS; every label is ZONE's wall clock. */
async function axis_check(page, zone, days, name) {
	await page.waitForFunction(() => window.tickfeed.axis_marks().some(m => m.type <= 2));
	const marks = await tf(page, () => window.tickfeed.axis_marks());
	const day_marks = [...new Map(marks.filter(m => m.type <= 2).map(m => [m.t, m])).values()]
	    .map(m => [new Date(m.t).toISOString(), m.label]);
	is(day_marks, days, `${name}: the day marks of the axis`);
	const wrong = marks.filter(m => m.label !== wall_label(m.t, m.type, zone));
	is(wrong, [], `${name}: each of ${marks.length} axis labels is the wall clock in ${zone}`);
}

/* hover_text: the legend's first line with the mouse over bar T. */
async function hover_text(page, t) {
	const box = await page.locator('#chart').boundingBox();
	const x = await tf(page, tt => window.tickfeed.x_of(tt), t);
	await page.mouse.move(box.x + x, box.y + box.height * 0.5);
	await page.waitForFunction(tt => window.tickfeed.hover() === tt, t,
	    { timeout: 5000 });
	return tf(page, () => document.querySelector('.legend-time').textContent);
}

async function test_dst(browser) {
	const ctx = await browser.newContext({ ...DESKTOP, timezoneId: 'Asia/Kolkata' });
	const page = await open_page(ctx, './?symbol=HIST&interval=1h');
	const [got, want] = await bars_settle(page);
	is(got, want, '1h bars equal candles');
	is(await hover_text(page, Z('2024-11-03T05:00:00Z')), 'Sun 3 Nov \'24 01:00 EDT',
	    'in the feed\'s zone the bar at 05:00Z is 01:00 EDT');
	is(await hover_text(page, Z('2024-11-03T06:00:00Z')), 'Sun 3 Nov \'24 01:00 EST',
	    'the next one 01:00 again, EST');
	await axis_check(page, NY, [['2024-11-03T04:00:00.000Z', '3 Nov'], ['2024-11-04T05:00:00.000Z', '4 Nov']],
	    'feed zone');
	await page.selectOption('#zone', 'utc');
	is(search_of(page), '?symbol=HIST&interval=1h&tz=utc', 'UTC chosen: in the URL');
	await axis_check(page, 'UTC', [['2024-11-03T00:00:00.000Z', '3 Nov'], ['2024-11-04T00:00:00.000Z', '4 Nov']],
	    'UTC');
	is(await hover_text(page, Z('2024-11-03T06:00:00Z')), 'Sun 3 Nov \'24 06:00 UTC', 'the legend in UTC');
	await page.selectOption('#zone', 'local');
	is(search_of(page), '?symbol=HIST&interval=1h&tz=local', 'the browser\'s zone chosen: in the URL');
	await axis_check(page, 'Asia/Kolkata', [['2024-11-02T19:00:00.000Z', '3 Nov'],
	    ['2024-11-03T19:00:00.000Z', '4 Nov']], 'the browser\'s zone (Asia/Kolkata, +05:30)');
	is(await hover_text(page, Z('2024-11-03T06:00:00Z')), 'Sun 3 Nov \'24 11:30 GMT+5:30',
	    'the legend in Kolkata');
	await page.selectOption('#zone', 'feed');
	await page.click('button[data-interval="1d"]');
	await page.waitForFunction(() => window.tickfeed.interval() === '1d' && window.tickfeed.ready());
	const [d_got, d_want] = await bars_settle(page);
	is(d_got.map(b => new Date(b.t).toISOString()), ['2024-11-02T04:00:00.000Z',
	    '2024-11-03T04:00:00.000Z', '2024-11-04T05:00:00.000Z'], '1d bars start at New York\'s midnights');
	is(d_got, d_want, 'and equal candles');
	is(await hover_text(page, Z('2024-11-04T05:00:00Z')), 'Mon 4 Nov \'24', 'a day bar reads as its date');
	ingest_csv(['HIST,1730781000000,150.00,100']);	/* Nov 4, 23:30 EST */
	await caught_up(page);
	const [u_got, u_want] = await bars_settle(page);
	is([u_got.length, u_got[2].close, u_got[2].volume - d_got[2].volume], [3, 150, 100],
	    'a live tick at 04:30Z on Nov 5 goes into New York\'s Nov 4');
	is(u_got, u_want, 'equal to candles');
	ingest_csv(['HIST,1730783400000,151.25,10']);	/* Nov 5, 00:10 EST */
	await caught_up(page);
	const [n_got, n_want] = await bars_settle(page);
	is(n_got.map(b => new Date(b.t).toISOString()).slice(3), ['2024-11-05T05:00:00.000Z'],
	    'one at 05:10Z opens Nov 5, at 05:00Z');
	is(n_got, n_want, 'equal to candles');
	is(page.errors, [], 'no console errors or warnings across the zones');
	await page.context().close();
}

/* trade_times: [id, time] of each row, and as the API's ts reads in ZONE. */
async function trade_times(page, zone) {
	const rows = await tf(page, () => window.tickfeed.trades());
	const ts = new Map((await api_trades('FX', TRADE_ROWS)).map(t => [t.id, t.ts]));
	const clock = en(zone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
	return [rows.map(r => [r.id, r.time]), rows.map(r => [r.id, clock.format(ts.get(r.id))])];
}

async function test_trades(browser) {
	const page = await open_page(browser, './?symbol=FX&interval=1m', DESKTOP);
	let [got, want] = await trades_settle(page, 'FX');
	is(got.map(t => t.price), ['1.0830', '1.0805', '1.0805', '1.0790', '1.0812', '1.0800'],
	    'FX\'s trades, newest first, prices as the feed wrote them');
	is(got, want, 'equal to ticks?order=desc, as the API wrote them');
	let [times, wall] = await trade_times(page, NY);
	is(times, wall, 'their times in New York');
	is(times.map(r => r[1]), ['01:30:30', '01:30:15', '01:30:00', '01:30:30', '01:30:15', '01:30:00'],
	    'both 01:30 of the night clocks went back');
	ingest_csv(['FX,1730615445000,1.0900,20', 'FX,1730615460000,1.0870,5']);
	ingest_csv(['FX,1730611801000,1.0795,1']);	/* late: the first 01:30 */
	await caught_up(page);
	[got, want] = await trades_settle(page, 'FX');
	is(got.slice(0, 3).map(t => [t.price, t.size]), [['1.0795', '1'], ['1.0870', '5'], ['1.0900', '20']],
	    'live ticks come on top as they arrive, the late one too');
	is(got, want, 'and the list equals ticks?order=desc');
	const dirs = await tf(page, () => [...document.querySelectorAll('#trade-list li')].map(li => li.dataset.dir));
	is(dirs.slice(0, 5), ['down', 'down', 'up', 'up', 'flat'], 'each price up or down from the trade before it');
	await page.selectOption('#zone', 'utc');
	[times, wall] = await trade_times(page, 'UTC');
	is(times, wall, 'in UTC when UTC is chosen');
	await page.click('li[data-symbol="HIST"] button');
	await page.waitForFunction(() => window.tickfeed.symbol() === 'HIST' && window.tickfeed.trades_ready());
	[got, want] = await trades_settle(page, 'HIST');
	ok(got.length === TRADE_ROWS && JSON.stringify(got) === JSON.stringify(want),
	    `another symbol: its latest ${TRADE_ROWS} trades`);
	is(page.errors, [], 'no console errors or warnings with the trades');
	await page.context().close();
}

async function main() {
	const browser = await launch();
	try {
		await test_scroll_back(browser);
		await test_overlays(browser);
		await test_url(browser);
		await test_trades(browser);
		await test_dst(browser);
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
