// api.js: where the tickfeed API lives and how its answers are read.
//
// The base comes from <meta name="tickfeed-api" content="...">: empty (the
// default) means "beside this page", so the page works at /, in a
// sub-folder of shared hosting, or, with an absolute URL, against another
// host (the API answers CORS).  Every endpoint is base + "api/v1/" + name.
//
// Prices arrive as JSON numbers written with the symbol's exact decimals.
// JSON.parse keeps the value but forgets how it was written ("188.00"
// becomes 188), so the reviver below records, per object, the most
// decimals any of its price fields was written with (ES2025 JSON.parse
// source text access; older engines fall back to the shortest form).
//
// With API keys on, every fetch carries the key and a refusal asks for
// one (auth.js).

import { auth_headers, auth_refused } from './auth.js';

const PRICE_KEYS = new Set(['price', 'prev_close', 'change', 'open', 'high',
	'low', 'close', 'vwap']);
const written_decimals = new WeakMap();

/* api_base: the absolute URL every endpoint is relative to, ending in "/". */
export function api_base() {
	const meta = document.querySelector('meta[name="tickfeed-api"]');
	const raw = (meta && meta.content.trim()) || '.';
	const url = new URL(raw, document.baseURI);
	if (!url.pathname.endsWith('/'))
		url.pathname += '/';
	url.search = '';
	url.hash = '';
	return url.href;
}

/* api_url: the URL of ENDPOINT with PARAMS (undefined values left out). */
export function api_url(endpoint, params = {}) {
	const url = new URL('api/v1/' + endpoint, api_base());
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null)
			url.searchParams.set(k, String(v));
	return url.href;
}

/* decimals_of_text: digits after the point in a JSON number's text. */
export function decimals_of_text(text) {
	const m = /\.(\d+)/.exec(text);
	return m ? m[1].length : 0;
}

function revive(key, value, context) {
	if (typeof value === 'number' && PRICE_KEYS.has(key) && this) {
		const text = context && typeof context.source === 'string' ?
		    context.source : String(value);
		const d = decimals_of_text(text);
		if (d > (written_decimals.get(this) || 0))
			written_decimals.set(this, d);
	}
	return value;
}

/* api_parse: JSON.parse that remembers how prices were written. */
export function api_parse(text) {
	return JSON.parse(text, revive);
}

/* price_decimals: most decimals a price field of OBJ was written with. */
export function price_decimals(obj) {
	return (obj && written_decimals.get(obj)) || 0;
}

/* api_error: an Error carrying the HTTP status and the API's error code. */
function api_error(status, body) {
	let msg = 'HTTP ' + status;
	let code = 'http_' + status;
	try {
		const e = JSON.parse(body).error;
		if (e && e.message) { msg = e.message; code = e.code; }
	} catch (ignored) { /* not a JSON error body */ }
	const err = new Error(msg);
	err.status = status;
	err.code = code;
	return err;
}

/*
 * api_get: GET ENDPOINT with PARAMS; resolves to the parsed answer, rejects
 * with an Error (status set for HTTP errors, AbortError when SIGNAL fires).
 */
export async function api_get(endpoint, params, signal) {
	const base = api_base();
	const res = await fetch(api_url(endpoint, params), {
		signal, cache: 'no-store',
		headers: { Accept: 'application/json', ...auth_headers(base) },
	});
	const body = await res.text();
	if (!res.ok) {
		const err = api_error(res.status, body);
		if (res.status === 401 || res.status === 403)
			auth_refused(base, res.status, err.code);
		throw err;
	}
	return api_parse(body);
}
