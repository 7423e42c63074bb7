// tap.mjs: TAP output for the node side of the browser tests, the same
// verbs as tests/lib.sh (ok, is, like, diag, done_testing).  A .t script
// that printed checks of its own first hands on its counts in TAP_N and
// TAP_FAILED, so that the numbering and the one plan line stay right.

let n = Number(process.env.TAP_N || 0);
let failed = Number(process.env.TAP_FAILED || 0);

export function ok(cond, name) {
	n++;
	if (!cond)
		failed++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
	return !!cond;
}

export function diag(text) {
	for (const line of String(text).split('\n'))
		console.log('# ' + line);
}

const short = t => (t && t.length > 600 ? t.slice(0, 600) + '…' : t);

/*
 * is: deep equality through JSON (the answers compared are JSON data); for
 * two arrays the diagnostic names the first element that differs.
 */
export function is(got, want, name) {
	const g = JSON.stringify(got);
	const w = JSON.stringify(want);
	if (ok(g === w, name))
		return;
	if (Array.isArray(got) && Array.isArray(want)) {
		let i = 0;
		while (i < got.length && i < want.length &&
		    JSON.stringify(got[i]) === JSON.stringify(want[i]))
			i++;
		diag(`lengths ${got.length} and ${want.length}; first difference at [${i}]:`);
		diag('   got: ' + short(JSON.stringify(got.slice(i, i + 3))));
		diag('  want: ' + short(JSON.stringify(want.slice(i, i + 3))));
		return;
	}
	diag('   got: ' + short(g));
	diag('  want: ' + short(w));
}

export function like(got, re, name) {
	if (!ok(re.test(String(got)), name))
		diag(`   got: ${got}\n  want match: ${re}`);
}

export function done_testing() {
	console.log(`1..${n}`);
	return failed === 0;
}
