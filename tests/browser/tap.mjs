// tap.mjs: TAP output for the node side of the browser tests, the same
// verbs as tests/lib.sh (ok, is, like, diag, done_testing).

let n = 0;
let failed = 0;

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

/* is: deep equality through JSON (the answers compared are JSON data). */
export function is(got, want, name) {
	const g = JSON.stringify(got);
	const w = JSON.stringify(want);
	if (!ok(g === w, name)) {
		diag('   got: ' + (g && g.length > 600 ? g.slice(0, 600) + '…' : g));
		diag('  want: ' + (w && w.length > 600 ? w.slice(0, 600) + '…' : w));
	}
}

export function like(got, re, name) {
	if (!ok(re.test(String(got)), name))
		diag(`   got: ${got}\n  want match: ${re}`);
}

export function done_testing() {
	console.log(`1..${n}`);
	return failed === 0;
}
