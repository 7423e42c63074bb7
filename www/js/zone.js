// zone.js: time zones, with the tz database the browser has (Intl).
//
// Two uses.  Where the store's days and weeks start: `1d` candles start
// at local midnight of the store's trading zone and `1w` candles at
// Monday's local midnight, so that a day across a daylight saving change
// lasts 23 or 25 hours; a live tick must go into the bar the API would
// put it in, so day_bounds() and week_bounds() follow the API's own
// arithmetic (lib/tzcal.c): the first instant of a local date is local
// midnight through the offset in force then, or, where midnight falls in
// a gap, the end of the gap.  And how a time reads on the page (the axis,
// the legend, recent trades): wall_parts() in the zone the reader chose.
//
// Zones are names of the tz database ("America/New_York", "UTC").  The
// browser's copy of it and the server's (/usr/share/zoneinfo) may differ
// in version: for zones whose rules changed lately the page and the API
// could then disagree on a day's start.  XXX not detected.

export const DAY_MS = 86400e3;
const DAY_S = 86400;
const OFF_BOUND_S = 16 * 3600;	/* no zone is further from UTC */
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const formatters = new Map();
const day_cache = new Map();
const week_cache = new Map();

/* formatter: the Intl formatter giving every wall-clock field in ZONE. */
function formatter(zone) {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone: zone,
		    hourCycle: 'h23', year: 'numeric', month: 'numeric',
		    day: 'numeric', hour: 'numeric', minute: 'numeric',
		    second: 'numeric', weekday: 'short',
		    timeZoneName: 'short' });
		formatters.set(zone, f);
	}
	return f;
}

/* zone_known: whether this browser's tz database has ZONE. */
export function zone_known(zone) {
	try {
		formatter(zone);
		return typeof zone === 'string' && zone !== '';
	} catch (e) {
		return false;
	}
}

/* browser_zone: the zone the browser runs in ("UTC" when it cannot say). */
export function browser_zone() {
	const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
	return z && zone_known(z) ? z : 'UTC';
}

/*
 * wall_parts: the wall clock in ZONE at MS: {year, month (1-12), day,
 * hour, minute, second, ms, weekday (0 Sunday .. 6), name ("EDT",
 * "GMT+1", "UTC")}.
 */
export function wall_parts(ms, zone) {
	const p = { ms: ((ms % 1000) + 1000) % 1000 };
	for (const { type, value } of formatter(zone).formatToParts(ms)) {
		if (type === 'weekday')
			p.weekday = WEEKDAYS.indexOf(value);
		else if (type === 'timeZoneName')
			p.name = value;
		else if (type !== 'literal' && type !== 'era')
			p[type] = Number(value);
	}
	return p;
}

/* wall_ms: the wall clock in ZONE at MS, as ms of a UTC calendar. */
export function wall_ms(ms, zone) {
	if (zone === 'UTC')
		return ms;
	const p = wall_parts(ms, zone);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute,
	    p.second, p.ms);
}

/* offset_s: seconds east of UTC in force in ZONE at instant S (seconds). */
function offset_s(zone, s) {
	return zone === 'UTC' ? 0 : (wall_ms(s * 1e3, zone) - s * 1e3) / 1e3;
}

/* local_date: the local date in ZONE (days since 1970-01-01) at S. */
function local_date(zone, s) {
	return Math.floor((s + offset_s(zone, s)) / DAY_S);
}

/*
 * date_start: the first instant (seconds) of local date D in ZONE: local
 * midnight through the offset in force then, found by iterating t =
 * midnight - offset(t); when midnight does not exist (a gap), the first
 * instant whose date is D, by bisection (lib/tzcal.c tz_resolve).
 */
function date_start(zone, d) {
	const l0 = d * DAY_S;
	let t = l0 - offset_s(zone, l0);
	for (let i = 0; i < 4; i++) {
		const t2 = l0 - offset_s(zone, t);
		if (t2 === t)
			break;
		t = t2;
	}
	if (t + offset_s(zone, t) === l0)
		return t;
	let lo = l0 - OFF_BOUND_S, hi = l0 + OFF_BOUND_S;
	while (hi - lo > 1) {
		const mid = lo + Math.floor((hi - lo) / 2);
		if (local_date(zone, mid) >= d)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* cached: [lo, hi) from CACHE for ZONE if it holds TS, else MAKE()'s. */
function cached(cache, zone, ts, make) {
	const c = cache.get(zone);
	if (c && c[0] <= ts && ts < c[1])
		return c;
	const fresh = make();
	cache.set(zone, fresh);
	return fresh;
}

/* day_bounds: [start, next start) in ms of the ZONE day holding TS. */
export function day_bounds(ts, zone) {
	if (zone === 'UTC') {
		const lo = Math.floor(ts / DAY_MS) * DAY_MS;
		return [lo, lo + DAY_MS];
	}
	return cached(day_cache, zone, ts, () => {
		const d = local_date(zone, Math.floor(ts / 1e3));
		return [date_start(zone, d) * 1e3, date_start(zone, d + 1) * 1e3];
	});
}

/* week_bounds: the same for the week (Monday 00:00 local) holding TS. */
export function week_bounds(ts, zone) {
	return cached(week_cache, zone, ts, () => {
		let d = zone === 'UTC' ? Math.floor(ts / DAY_MS) :
		    local_date(zone, Math.floor(ts / 1e3));
		d -= (((d % 7) + 7 + 3) % 7);	/* 1970-01-01 was a Thursday */
		if (zone === 'UTC')
			return [d * DAY_MS, (d + 7) * DAY_MS];
		return [date_start(zone, d) * 1e3, date_start(zone, d + 7) * 1e3];
	});
}
