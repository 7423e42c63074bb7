// format.js: exact price text.  A price parsed from text with at most D
// decimals is the double nearest that decimal, so scaling by 10^D and
// rounding gives the exact integer back; arithmetic on those integers
// (change = price - prev_close) stays exact, and the text is built from the
// integer's digits, never from a binary fraction.

/* to_scaled: X (written with at most D decimals) as an integer of 10^-D. */
export function to_scaled(x, d) {
	return Math.round(x * 10 ** d);
}

/* scaled_text: integer N of 10^-D units as text, e.g. (-5, 2) -> "-0.05". */
export function scaled_text(n, d) {
	const sign = n < 0 ? '-' : '';
	let digits = String(Math.abs(n));
	if (d === 0)
		return sign + digits;
	digits = digits.padStart(d + 1, '0');
	return sign + digits.slice(0, -d) + '.' + digits.slice(-d);
}

/* price_text: X with exactly D decimals. */
export function price_text(x, d) {
	return scaled_text(to_scaled(x, d), d);
}

/* change_text: PRICE - PREV as signed text with D decimals ("+1.23"). */
export function change_text(price, prev, d) {
	const n = to_scaled(price, d) - to_scaled(prev, d);
	return (n > 0 ? '+' : '') + scaled_text(n, d);
}

/* Beyond this many hundredths of a percent the API's change_pct is null. */
const PCT_MAX = 900000000000n;

/*
 * percent_text: the API's change_pct from PREV to PRICE: 100 * (PRICE -
 * PREV) / |PREV| in percent, 2 decimals, rounded half away from zero in
 * exact integers (floats and Math.round, which rounds -0.5 up, turned a
 * fall of 0.125 % into -0.12 %).  Prices may be negative; the sign is
 * always the change's, so a rise from a negative PREV is positive, as in
 * the API.  '' when there is no PREV or it is 0.
 */
export function percent_text(price, prev, d) {
	if (!Number.isFinite(price) || !Number.isFinite(prev) || prev === 0)
		return '';
	const abs = x => (x < 0n ? -x : x);
	const base = BigInt(to_scaled(prev, d));
	const num = (BigInt(to_scaled(price, d)) - base) * 10000n;
	const den = abs(base);
	let q = num / den;	/* truncated toward zero */
	if (2n * abs(num % den) >= den)
		q += num < 0n ? -1n : 1n;
	if (abs(q) > PCT_MAX)
		return '';
	return (q > 0n ? '+' : '') + scaled_text(Number(q), 2) + '%';
}

/* direction: 1 up, -1 down, 0 unchanged, comparing PRICE with PREV. */
export function direction(price, prev, d) {
	return Math.sign(to_scaled(price, d) - to_scaled(prev, d));
}

/* volume_text: an integer volume, short (12.3K, 4.5M). */
export function volume_text(v) {
	const units = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
	for (const [size, suffix] of units)
		if (Math.abs(v) >= size)
			return (v / size).toFixed(1) + suffix;
	return String(v);
}
