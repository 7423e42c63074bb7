// indicators.js: the overlays' arithmetic, pure.
//
// SMA and EMA are computed on the page from the closes of the bars it has
// loaded, as doubles: exact enough to draw and to read to the symbol's
// decimals (the error is below 1e-12 of the price), not exact decimals
// like the prices themselves.  The EMA starts at the SMA of the first N
// closes loaded, so scrolling back (more bars before) moves the EMA's
// oldest values a little until it has converged; the SMA does not move.
//
// VWAP is the API's: each candle's `vwap`, computed by the server from an
// exact sum.  A bar the page builds itself from live ticks keeps that sum
// too (integers of 10^-decimals times sizes, BigInt), so its VWAP is the
// API's to the last digit; a bar that was live when loaded has only the
// API's rounded VWAP to go on, and the page estimates its moves until the
// bar closes and is read again (chart.js).

export const LENGTH_MIN = 2;
export const LENGTH_MAX = 500;

/* length_ok: whether N is an overlay length the page takes. */
export function length_ok(n) {
	return Number.isInteger(n) && n >= LENGTH_MIN && n <= LENGTH_MAX;
}

/* sma: the N-bar simple moving average of VALUES (null before the Nth). */
export function sma(values, n) {
	const out = new Array(values.length).fill(null);
	let sum = 0;
	for (let i = 0; i < values.length; i++) {
		sum += values[i];
		if (i >= n)
			sum -= values[i - n];
		if (i >= n - 1)
			out[i] = sum / n;
	}
	return out;
}

/* ema: the N-bar exponential moving average of VALUES, from the SMA of the first N. */
export function ema(values, n) {
	const out = new Array(values.length).fill(null);
	if (values.length < n)
		return out;
	const k = 2 / (n + 1);
	let e = 0;
	for (let i = 0; i < n; i++)
		e += values[i];
	e /= n;
	out[n - 1] = e;
	for (let i = n; i < values.length; i++) {
		e = values[i] * k + e * (1 - k);
		out[i] = e;
	}
	return out;
}

/*
 * ema_next: the EMA after PREV (the EMA of the bar before) with VALUE,
 * for N bars: what ema() gives for the last bar, without the whole run.
 */
export function ema_next(prev, value, n) {
	const k = 2 / (n + 1);
	return value * k + prev * (1 - k);
}

/* div_round: A / B (BigInt, B > 0) rounded half away from zero. */
export function div_round(a, b) {
	let q = a / b;
	const r = a % b;
	if (2n * (r < 0n ? -r : r) >= b)
		q += a < 0n ? -1n : 1n;
	return q;
}
