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

/* percent_text: the change from PREV to PRICE in percent, 2 decimals. */
export function percent_text(price, prev, d) {
	if (!prev)
		return '';
	const pct = (to_scaled(price, d) - to_scaled(prev, d)) /
	    to_scaled(prev, d) * 100;
	const n = Math.round(pct * 100);
	return (n > 0 ? '+' : '') + scaled_text(n, 2) + '%';
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
