// logic.mjs: the page's pure parts (exact price text, bar arithmetic, the
// tick log, the JSON reviver that counts decimals) run under node.

import { TickAge, age_text } from '../../www/js/age.js';
import { api_parse, price_decimals, decimals_of_text } from '../../www/js/api.js';
import { bar_apply, bar_put, bar_start, TickLog } from '../../www/js/bars.js';
import { backoff_ms, silence_limit_ms } from '../../www/js/feed.js';
import { change_text, direction, percent_text, price_text, scaled_text } from '../../www/js/format.js';
import { Market, quote_texts } from '../../www/js/symbols.js';
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
	is(bars[1], { t: T + 60000, open: 8, high: 8, low: 8, close: 8, volume: 7 }, 'the new bar is the tick');
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
	bar_apply(bars, '1m', tick(4, T, -10.01));
	bar_apply(bars, '1m', tick(5, T + 10000, -40.32));
	bar_apply(bars, '1m', tick(6, T + 50000, -37.63));
	is(bars, [{ t: T, open: -10.01, high: -10.01, low: -40.32, close: -37.63, volume: 3 }],
	    'a bar of negative ticks: the high is the least negative');
}

test_format();
test_negative();
test_decimals();
test_bars();
test_log();
test_backoff();
test_age();
process.exitCode = done_testing() ? 0 : 1;
