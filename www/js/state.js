// state.js: what the page shows, as the URL says it, so that a link
// reproduces the view:
//
//   ?symbol=AAPL&interval=5m&sma=20&ema=50&vwap=1&tz=utc
//
// symbol and interval always; an overlay only when it is on (sma=N,
// ema=N with N in 2..500, vwap=1); tz only when it is not the default,
// the feed's trading zone: utc, or local (the browser's zone, whoever
// opens the link).  Anything unknown or out of range reads as its
// default, so an old or mangled link still opens a view.

import { INTERVALS } from './bars.js';
import { length_ok } from './indicators.js';

export const ZONES = ['feed', 'utc', 'local'];
export const DEFAULT_STATE = Object.freeze({ symbol: null, interval: '1m',
	sma: null, ema: null, vwap: false, tz: 'feed' });

/* length_of: an overlay length from URL text, or null. */
function length_of(text) {
	if (text === null || !/^[0-9]{1,3}$/.test(text))
		return null;
	const n = Number(text);
	return length_ok(n) ? n : null;
}

/* state_parse: the view SEARCH (a URL's query, "?..." or "") asks for. */
export function state_parse(search) {
	const q = new URLSearchParams(search);
	const interval = q.get('interval');
	const tz = q.get('tz');
	return {
		symbol: q.get('symbol') || null,
		interval: Object.hasOwn(INTERVALS, interval) ? interval :
		    DEFAULT_STATE.interval,
		sma: length_of(q.get('sma')),
		ema: length_of(q.get('ema')),
		vwap: q.get('vwap') === '1',
		tz: ZONES.includes(tz) ? tz : DEFAULT_STATE.tz,
	};
}

/* state_search: the query ("?...") of view S, as state_parse reads it. */
export function state_search(s) {
	const q = new URLSearchParams();
	q.set('symbol', s.symbol);
	q.set('interval', s.interval);
	if (s.sma !== null)
		q.set('sma', String(s.sma));
	if (s.ema !== null)
		q.set('ema', String(s.ema));
	if (s.vwap)
		q.set('vwap', '1');
	if (s.tz !== DEFAULT_STATE.tz)
		q.set('tz', s.tz);
	return '?' + q.toString();
}
