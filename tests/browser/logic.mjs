// logic.mjs: the page's pure parts (exact price text, bar arithmetic, the
// tick log, the JSON reviver that counts decimals, time zones and the
// axis's marks, the overlays' arithmetic, the URL's view) run under node.

import { TickAge, age_text } from '../../www/js/age.js';
import { api_parse, price_decimals, decimals_of_text } from '../../www/js/api.js';
import { bar_apply, bar_from_candle, bar_put, bar_start, TickLog } from '../../www/js/bars.js';
import { backoff_ms, silence_limit_ms } from '../../www/js/feed.js';
import { change_text, direction, percent_text, price_text, scaled_text } from '../../www/js/format.js';
import { div_round, ema, ema_next, sma } from '../../www/js/indicators.js';
import { state_parse, state_search } from '../../www/js/state.js';
import { Market, quote_texts } from '../../www/js/symbols.js';
import { clock_of, fill_weights, mark_text, stamp_of, time_text, wall_weight } from '../../www/js/timeaxis.js';
import { day_bounds, wall_ms, week_bounds } from '../../www/js/zone.js';
import { done_testing, is, ok } from './tap.mjs';

function test_format() {
	is(scaled_text(-5, 2), '-0.05', 'scaled_text pads below one');
	is(scaled_text(123456, 0), '123456', 'scaled_text with no decimals');
	is(price_text(0.1 + 0.2, 2), '0.30', 'price_text rounds the binary error away');
	is(price_text(188, 2), '188.00', 'price_text keeps the trailing zeros');
	is(price_text(1.005, 3), '1.005', 'price_text keeps the exact digits');
	is(change_text(189.23, 188.0, 2), '+1.23', 'change is exact (189.23 - 188)');
	is(change_text(0.3, 0.1, 1), '+0.2', 'change is exact (0.3 - 0.1)');
	is(change_text(99.99, 100.01, 2), '-0.02', 'negative change');
	is(change_text(5, 5, 2), '0.00', 'no change has no sign');
	is(percent_text(189.23, 188.0, 2), '+0.65%', 'percent with 2 decimals');
	is(percent_text(1, 0, 2), '', 'no percent without a previous close');
}

function test_decimals() {
	const a = api_parse('{"symbols":[{"symbol":"A","price":188.00,' +
	    '"prev_close":187.5,"change":0.50},{"symbol":"B","price":1.23456}]}');
	is(price_decimals(a.symbols[0]), 2, 'decimals counted from the text (188.00)');
	is(price_decimals(a.symbols[1]), 5, 'decimals of another object');
	is(price_decimals(a), 0, 'objects without prices have none');
	is(decimals_of_text('12'), 0, 'an integer has no decimals');
	is(decimals_of_text('1.5e-7'), 1, 'decimals_of_text reads the fraction digits');
}

function test_bars() {
	const T = 1795858200000;	/* a minute start */
	is(bar_start(T + 59999, '1m'), T, 'the last ms of a minute is in it');
	is(bar_start(T + 60000, '1m'), T + 60000, 'the next minute opens a bar');
	is(bar_start(T + 123, '1d') % 86400000, 0, 'a day bar starts at 00:00 UTC');
	const bars = [{ t: T, open: 10, high: 11, low: 9, close: 10.5, volume: 100 }];
	const tick = (id, ts, price, size, late = false) =>
	    ({ id, symbol: 'A', ts, price, size, late });
	is(bar_apply(bars, '1m', tick(1, T + 500, 12, 5)), 'update', 'a tick moves the last bar');
	is(bars[0], { t: T, open: 10, high: 12, low: 9, close: 12, volume: 105 },
	    'high, close and volume moved; open kept');
	is(bar_apply(bars, '1m', tick(2, T + 60001, 8, 7)), 'new', 'a tick in the next minute opens a bar');
	is(bars[1], { t: T + 60000, open: 8, high: 8, low: 8, close: 8, volume: 7, vwap: 8 }, 'the new bar is the tick');
	is(bar_apply(bars, '1m', tick(3, T + 50, 99, 1)), 'late', 'a tick for an older bar is late');
	is(bar_apply(bars, '1m', tick(4, T + 60000, 99, 1, true)), 'late', 'a late tick in the last bar is late');
	is(bar_apply(bars, '1m', tick(5, T - 1, 99, 1)), 'old', 'a tick before the first bar is not drawn');
	is(bars.length, 2, 'late and old ticks changed nothing');
	is(bar_apply([], '5m', tick(6, T + 1, 3, 1)), 'new', 'the first tick of an empty chart opens a bar');
	const b = { t: T + 60000, open: 1, high: 2, low: 1, close: 2, volume: 3 };
	is(bar_put(bars, b), 'replaced', 'bar_put replaces a bar of the same time');
	is(bar_put(bars, { ...b, t: T + 30 * 60000 }), 'inserted', 'bar_put inserts a new time');
	is(bars.map(x => x.t), [T, T + 60000, T + 30 * 60000], 'bars stay in time order');
}

function test_log() {
	const log = new TickLog(3, 10);
	ok(!log.covers(9) && log.covers(10), 'a new log covers from its start cursor');
	log.add([11, 12, 13, 14].map(id => ({ id, symbol: id % 2 ? 'A' : 'B' })));
	is(log.ticks.map(t => t.id), [12, 13, 14], 'the log keeps the newest CAP ticks');
	ok(!log.covers(10) && log.covers(11), 'evicting 11 moves the floor to 11');
	is(log.since('B', 11).map(t => t.id), [12, 14], 'since filters by symbol and cursor');
}

function test_backoff() {
	let lo = Infinity, hi = 0;
	for (let i = 0; i < 200; i++) {
		const ms = backoff_ms(1);
		lo = Math.min(lo, ms);
		hi = Math.max(hi, ms);
	}
	ok(lo >= 250 && hi <= 500 && hi > lo, `first retry jittered in 250..500 ms (${lo}..${hi})`);
	ok(backoff_ms(30) <= 30000 && backoff_ms(30) >= 15000, 'backoff is capped at 30 s');
	lo = Infinity; hi = 0;
	for (let i = 0; i < 200; i++) {
		const ms = backoff_ms(10, 4000);
		lo = Math.min(lo, ms);
		hi = Math.max(hi, ms);
	}
	ok(lo >= 2000 && hi <= 4000, `while the app restarts, capped at 4 s (${lo}..${hi})`);
	is(silence_limit_ms(15000), 31000, 'a stream silent for two 15 s beats and 1 s is dead');
	is(silence_limit_ms(1000), 3000, 'with 1 s beats: after 3 s');
}

/* The age of the newest tick: the page's clock, corrected by heartbeats. */
function test_age() {
	const a = new TickAge(1000);
	is(a.age(4000), 3000, 'from the symbols answer: now minus the newest time');
	a.seen(5000);
	is(a.age(5500), 500, 'a delivered tick is the newest');
	a.seen(4000);
	is(a.age(5500), 500, 'a late tick changes nothing');
	a.beat(1800, 6000);	/* the server's clock runs 800 ms ahead */
	is(a.age(6000), 1800, 'a heartbeat sets the age the server measured');
	is(a.age(7000), 2800, 'which grows on the page\'s clock');
	a.seen(6900);
	is(a.age(7000), 900, 'a new tick counts with the server\'s skew');
	a.beat(null, 8000);
	is(a.age(9000), null, 'a heartbeat of an empty store: no age');
	const b = new TickAge(null);
	is(b.age(1), null, 'no tick known: no age');
	b.beat(500, 10000);
	is([b.age(10000), b.age(11000)], [500, 1500], 'a first heartbeat gives the age');
	is(new TickAge(5000).age(4000), 0, 'never below 0 (a clock behind the ticks)');
	is(age_text(null), 'no ticks yet', 'no tick yet');
	is(age_text(0), 'last tick 0 s ago', '0 s');
	is(age_text(59999), 'last tick 59 s ago', 'seconds below a minute');
	is(age_text(60000), 'last tick 1 min ago', 'then minutes');
	is(age_text(3600e3 + 5), 'last tick 1 h ago', 'then hours');
	is(age_text(2 * 86400e3), 'last tick 2 d ago', 'then days');
}

/*
 * Negative prices (oil futures, spreads): the texts the page shows for the
 * `symbols` answer tests/cgi/negative_prices.t gets from the app, and
 * percents rounded as the API rounds change_pct (half away from zero).
 */
function test_negative() {
	is(price_text(-37.63, 2), '-37.63', 'a negative price');
	is(price_text(-0.05, 2), '-0.05', 'a negative price below one keeps its sign');
	is(change_text(-37.63, 2.5, 2), '-40.13', 'change across zero');
	is(change_text(0.75, -1.25, 2), '+2.00', 'change from a negative close');
	is(direction(-40.32, -37.63, 2), -1, 'more negative is down');
	is(percent_text(7.99, 8, 2), '-0.13%', '-0.125 % rounds away from zero, as the API');
	is(percent_text(8.01, 8, 2), '+0.13%', '+0.125 % likewise');
	is(percent_text(-7.99, -8, 2), '+0.13%', 'a rise from -8.00: 100 * 0.01 / |-8.00|, as the API');
	is(percent_text(0.75, -1.25, 2), '+160.00%', 'across zero upwards: positive, as the API');
	is(percent_text(-37.63, 2.5, 2), '-1605.20%', 'across zero downwards: negative');
	is(percent_text(0.001, 1e-8, 8), '+9999900.00%', 'a huge percent is exact');
	is(percent_text(1, 1e-8, 8), '', 'beyond 9e9 % none, as the API answers null');
	is(percent_text(1, 0, 2), '', 'no percent from a close of 0');
	is(percent_text(1, null, 2), '', 'nor without a close');
	const answer = api_parse('{"cursor":14,"symbols":[' +
	    '{"symbol":"OIL","price":-37.63,"prev_close":2.50,"change":-40.13,"change_pct":-1605.20,"ticks":7,"last_ts":1704240300000,"last_id":7},' +
	    '{"symbol":"SPRD","price":0.75,"prev_close":-1.25,"change":2.00,"change_pct":160.00,"ticks":3,"last_ts":1704240070000,"last_id":10}]}');
	const m = new Market(answer);
	is(quote_texts(m.get('OIL')), { price: '-37.63', change: '-40.13', percent: '-1605.20%', dir: 'down' },
	    'OIL from 2.50 to -37.63: the texts match the API');
	is(quote_texts(m.get('SPRD')), { price: '0.75', change: '+2.00', percent: '+160.00%', dir: 'up' },
	    'SPRD from -1.25 to 0.75: change up, percent as the API computes it');
	const T = 1704240000000;
	const bars = [];
	const tick = (id, ts, price) => ({ id, symbol: 'OIL', ts, price, size: 1, late: false });
	bar_apply(bars, '1m', tick(4, T, -10.01), 'UTC', 2);
	bar_apply(bars, '1m', tick(5, T + 10000, -40.32), 'UTC', 2);
	bar_apply(bars, '1m', tick(6, T + 50000, -37.63), 'UTC', 2);
	is(bars, [{ t: T, open: -10.01, high: -10.01, low: -40.32, close: -37.63, volume: 3, vwap: -29.32 }],
	    'a bar of negative ticks: the high is the least negative, the vwap -87.96 / 3');
}

const NY = 'America/New_York';
const Z = iso => Date.parse(iso);

/* Days and weeks of a trading zone, as the API's (lib/tzcal.c). */
function test_zone() {
	is(day_bounds(Z('2024-03-10T12:00:00Z'), NY), [Z('2024-03-10T05:00:00Z'), Z('2024-03-11T04:00:00Z')],
	    'New York, 2024-03-10: 23 hours from 05:00Z');
	is(day_bounds(Z('2024-11-03T12:00:00Z'), NY), [Z('2024-11-03T04:00:00Z'), Z('2024-11-04T05:00:00Z')],
	    'New York, 2024-11-03: 25 hours from 04:00Z');
	is(day_bounds(Z('2024-11-04T04:59:59.999Z'), NY)[0], Z('2024-11-03T04:00:00Z'),
	    'the last ms of that day is in it');
	is(day_bounds(Z('2024-11-03T03:59:59.999Z'), NY)[0], Z('2024-11-02T04:00:00Z'),
	    'the ms before it is in the day before');
	is(day_bounds(Z('2024-09-08T12:00:00Z'), 'America/Santiago'), [Z('2024-09-08T04:00:00Z'), Z('2024-09-09T03:00:00Z')],
	    'Santiago springs forward at midnight: the day starts at the end of the gap (01:00)');
	is(day_bounds(Z('2024-06-01T20:00:00Z'), 'Asia/Kolkata')[0], Z('2024-06-01T18:30:00Z'),
	    'Kolkata (+05:30): the day starts at 18:30Z');
	is(day_bounds(Z('2024-11-03T12:00:00Z'), 'UTC'), [Z('2024-11-03T00:00:00Z'), Z('2024-11-04T00:00:00Z')],
	    'UTC days are 00:00 to 00:00');
	is(week_bounds(Z('2024-11-03T12:00:00Z'), NY), [Z('2024-10-28T04:00:00Z'), Z('2024-11-04T05:00:00Z')],
	    'the New York week of Sunday 2024-11-03: Monday to Monday, 169 hours');
	is(week_bounds(Z('2024-11-04T04:59:00Z'), NY)[0], Z('2024-10-28T04:00:00Z'),
	    'Sunday 23:59 EST is still that week');
	is(week_bounds(Z('2024-11-03T12:00:00Z'), 'UTC')[0], Z('2024-10-28T00:00:00Z'), 'UTC weeks start Monday 00:00Z');
	is(week_bounds(Z('1970-01-01T00:00:00Z'), 'UTC')[0], Z('1969-12-29T00:00:00Z'), 'the week of the epoch starts before it');
	is(bar_start(Z('2024-11-04T04:30:00Z'), '1d', NY), Z('2024-11-03T04:00:00Z'), '1d bar in New York');
	is(bar_start(Z('2024-11-04T04:30:00Z'), '1d', 'UTC'), Z('2024-11-04T00:00:00Z'), '1d bar in UTC');
	is(bar_start(Z('2024-11-03T07:30:00Z'), '4h', NY), Z('2024-11-03T04:00:00Z'), '4h bars stay aligned to UTC');
	is(bar_start(Z('2024-11-03T07:45:00Z'), '30m', NY), Z('2024-11-03T07:30:00Z'), '30m bars too');
	is(wall_ms(Z('2024-11-03T05:30:00Z'), NY), Z('2024-11-03T01:30:00Z'), 'the wall clock at 05:30Z: 01:30 EDT');
	is(wall_ms(Z('2024-11-03T06:30:00Z'), NY), Z('2024-11-03T01:30:00Z'), 'and an hour later 01:30 again (EST)');
}

/* Live ticks into day bars of New York: the day is the zone's. */
function test_zone_bars() {
	const bars = [bar_from_candle({ t: Z('2024-11-03T04:00:00Z'), open: 10, high: 10,
	    low: 10, close: 10, volume: 1, vwap: 10 })];
	const tick = (id, iso, price) => ({ id, symbol: 'A', ts: Z(iso), price, size: 1 });
	is(bar_apply(bars, '1d', tick(1, '2024-11-04T04:30:00Z', 11), NY, 2), 'update',
	    '23:30 EST on Nov 3 moves the Nov 3 bar (in UTC it would be Nov 4)');
	is(bar_apply(bars, '1d', tick(2, '2024-11-04T05:00:00Z', 12), NY, 2), 'new',
	    'midnight EST opens the Nov 4 bar');
	is(bars.map(b => b.t), [Z('2024-11-03T04:00:00Z'), Z('2024-11-04T05:00:00Z')], 'at 05:00Z');
	const weeks = [bar_from_candle({ t: Z('2024-10-28T04:00:00Z'), open: 10, high: 10,
	    low: 10, close: 10, volume: 1, vwap: 10 })];
	is(bar_apply(weeks, '1w', tick(3, '2024-11-04T04:59:00Z', 11), NY, 2), 'update',
	    'at 1w, Sunday 23:59 EST moves the week from Monday Oct 28');
	is(bar_apply(weeks, '1w', tick(4, '2024-11-04T05:00:00Z', 12), NY, 2), 'new',
	    'Monday 00:00 EST opens the next week');
	is(weeks[1].t, Z('2024-11-04T05:00:00Z'), 'at 05:00Z');
}

/* The time axis's marks and labels in a zone. */
function test_axis() {
	const hours = [];
	for (let t = Z('2024-11-02T22:00:00Z'); t <= Z('2024-11-03T08:00:00Z'); t += 3600e3)
		hours.push({ originalTime: t / 1e3, timeWeight: 0 });
	const days_at = zone => {
		const pts = hours.map(p => ({ ...p }));
		fill_weights(pts, 0, zone);
		return pts.filter(p => p.timeWeight >= 50).map(p => new Date(p.originalTime * 1e3).toISOString());
	};
	is(days_at(NY), ['2024-11-03T04:00:00.000Z'], 'in New York the day mark is at local midnight (04:00Z)');
	is(days_at('UTC'), ['2024-11-03T00:00:00.000Z'], 'in UTC at 00:00Z');
	const pts = hours.map(p => ({ ...p }));
	fill_weights(pts, 0, NY);
	const again = hours.map(p => ({ ...p }));
	fill_weights(again, 0, NY);
	fill_weights(again, 5, NY);
	is(again.map(p => p.timeWeight), pts.map(p => p.timeWeight), 'weighing from the middle gives the same weights');
	is(wall_weight(Z('2024-11-03T01:00:00Z'), Z('2024-11-03T01:59:00Z')), 30,
	    'back to 01:00 when clocks go back: an hour mark, not a day');
	is(wall_weight(Z('2024-11-03T01:30:00Z'), Z('2024-11-03T01:59:00Z')), 22,
	    'back to 01:30: a half-hour mark');
	is(time_text(Z('2024-11-03T05:30:00Z'), NY, false), 'Sun 3 Nov \'24 01:30 EDT', 'the first 01:30 is EDT');
	is(time_text(Z('2024-11-03T06:30:00Z'), NY, false), 'Sun 3 Nov \'24 01:30 EST', 'the second EST');
	is(time_text(Z('2024-03-10T07:30:00Z'), NY, false), 'Sun 10 Mar \'24 03:30 EDT', 'spring forward: 02:xx never shows');
	is(time_text(Z('2024-11-03T04:00:00Z'), NY, true), 'Sun 3 Nov \'24', 'a day bar: its date');
	is(time_text(Z('2024-11-03T05:30:00Z'), 'UTC', false), 'Sun 3 Nov \'24 05:30 UTC', 'in UTC');
	is(time_text(Z('2024-11-03T05:30:00Z'), 'Asia/Kolkata', false), 'Sun 3 Nov \'24 11:00 GMT+5:30', 'in Kolkata');
	is([0, 1, 2, 3, 4].map(type => mark_text(Z('2024-11-03T05:30:15Z'), type, NY)),
	    ['2024', 'Nov', '3 Nov', '01:30', '01:30:15'], 'mark labels of each type, on the wall clock');
	is(clock_of(Z('2024-11-03T06:30:15.250Z'), NY), '01:30:15', 'a trade\'s time');
	is(stamp_of(Z('2024-11-03T06:30:15.250Z'), NY), '2024-11-03 01:30:15.250 EST', 'and its full stamp');
}

function test_indicators() {
	is(sma([1, 2, 3, 4, 5], 3), [null, null, 2, 3, 4], 'SMA 3');
	is(sma([1, 2], 3), [null, null], 'SMA longer than the data: nothing');
	is(ema([1, 2, 3, 4, 5], 3), [null, null, 2, 3, 4], 'EMA 3 starts at the SMA, k = 1/2');
	is(ema([2, 4, 6, 8], 2), [null, 3, 5, 7], 'EMA 2, k = 2/3');
	is(ema_next(3, 5, 3), 4, 'ema_next is the next EMA');
	is([div_round(5n, 2n), div_round(-5n, 2n), div_round(7n, 3n), div_round(-7n, 3n)].map(Number), [3, -3, 2, -2],
	    'halves round away from zero');
}

/* A bar's VWAP: exact when the page built the bar, else estimated. */
function test_vwap() {
	const T = Z('2024-11-04T15:00:00Z');
	const tick = (id, ts, price, size) => ({ id, symbol: 'A', ts, price, size });
	const bars = [];
	bar_apply(bars, '1m', tick(1, T, 100.00, 10), 'UTC', 2);
	bar_apply(bars, '1m', tick(2, T + 1, 101.00, 30), 'UTC', 2);
	is(bars[0].vwap, 100.75, 'VWAP of a live bar: (100.00 x 10 + 101.00 x 30) / 40');
	bar_apply(bars, '1m', tick(3, T + 2, 100.01, 1), 'UTC', 2);
	is(bars[0].vwap, 100.73, '413001 / 41 = 10073.19.. hundredths: 100.73, exact');
	ok(!bars[0].estimated, 'not an estimate');
	const api = [bar_from_candle({ t: T, open: 100, high: 100, low: 100, close: 100, volume: 10, vwap: 100 })];
	bar_apply(api, '1m', tick(4, T + 3, 102.00, 10), 'UTC', 2);
	is([api[0].vwap, api[0].estimated], [101, true], 'a bar from the API moved by a tick: an estimate, marked');
	const empty = [bar_from_candle({ t: T, open: 1, high: 1, low: 1, close: 1, volume: 0, vwap: null })];
	bar_apply(empty, '1m', tick(5, T + 4, 3.5, 4), 'UTC', 2);
	is([empty[0].vwap, empty[0].estimated], [3.5, undefined], 'a bar of volume 0 moved by a tick: exact');
}

/* The view in the URL: what a link says is what it shows. */
function test_state() {
	const full = '?symbol=AAPL&interval=5m&sma=20&ema=50&vwap=1&tz=utc';
	is(state_parse(full), { symbol: 'AAPL', interval: '5m', sma: 20, ema: 50, vwap: true, tz: 'utc' },
	    'every field read');
	is(state_search(state_parse(full)), full, 'and written back the same');
	is(state_search(state_parse('?symbol=AAPL')), '?symbol=AAPL&interval=1m', 'defaults are not written');
	is(state_parse('?symbol=X&interval=2m&sma=1&ema=501&vwap=yes&tz=mars'),
	    { symbol: 'X', interval: '1m', sma: null, ema: null, vwap: false, tz: 'feed' },
	    'out of range or unknown: the defaults');
	is([state_parse('?sma=2').sma, state_parse('?sma=500').sma, state_parse('?sma=2.5').sma, state_parse('?sma=-3').sma],
	    [2, 500, null, null], 'lengths 2..500, digits only');
	let bad = 0, n = 0;
	for (const interval of ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'])
		for (const tz of ['feed', 'utc', 'local'])
			for (const [sma_n, ema_n, vwap] of [[null, null, false], [2, null, true], [null, 500, false], [9, 21, true]]) {
				const v = { symbol: 'BRK.B', interval, sma: sma_n, ema: ema_n, vwap, tz };
				n++;
				if (JSON.stringify(state_parse(state_search(v))) !== JSON.stringify(v))
					bad++;
			}
	is(bad, 0, `every view (${n}) survives the round trip through the URL`);
}

test_format();
test_negative();
test_decimals();
test_bars();
test_log();
test_backoff();
test_age();
test_zone();
test_zone_bars();
test_axis();
test_indicators();
test_vwap();
test_state();
process.exitCode = done_testing() ? 0 : 1;
