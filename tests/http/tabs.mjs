// tabs.mjs: eight tabs of the chart page against one HTTPS host in
// headless Debian Chromium (playwright-core), for tests/http/tls.t and
// tests/ansible/deploy.t.  Over HTTP/2 every tab's stream opens and
// receives the next tick; with HTTP/2 switched off (HTTP/1.1, six
// connections to a host) at most six tabs get live.  Prints TAP.
//
// Environment:
//   TABS_URL    the page, https://NAME:PORT/ (NAME is mapped to 127.0.0.1)
//   TABS_CERT   the server's certificate (PEM): Chromium accepts that
//               one key and no other certificate error
//   TABS_TICK   a program that stores one more tick
//   TABS_LABEL  names the checks
//   TABS_H1     "1": also the HTTP/1.1 control

import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { diag, done_testing, is, ok } from '../browser/tap.mjs';

const URL_ = process.env.TABS_URL;
const LABEL = process.env.TABS_LABEL || 'tabs';
const TABS = 8;
const LIVE_MS = 20000;		/* a tab opens and goes live */
const TICK_MS = 5000;		/* the next tick reaches every tab */
const H1_WAIT_MS = 10000;	/* how long the HTTP/1.1 tabs get */

/* spki_hash: base64 SHA-256 of the certificate's public key. */
function spki_hash(pem_file) {
	const cert = new X509Certificate(readFileSync(pem_file));
	const der = cert.publicKey.export({ type: 'spki', format: 'der' });
	return createHash('sha256').update(der).digest('base64');
}

async function launch(extra) {
	const host = new URL(URL_).hostname;
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-quic', '--no-first-run',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync',
		    `--host-resolver-rules=MAP ${host} 127.0.0.1`,
		    '--ignore-certificate-errors-spki-list=' +
		    spki_hash(process.env.TABS_CERT), ...extra],
	});
}

const live = page => page.evaluate(() => !!(window.tickfeed &&
    window.tickfeed.ready() &&
    window.tickfeed.connection().state === 'live' &&
    window.tickfeed.connection().detail === 'stream'));

/* open_tab: the page in a new tab of CTX; records its streams' protocol. */
async function open_tab(ctx, protocols) {
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Network.enable');
	cdp.on('Network.responseReceived', e => {
		if (e.response.url.includes('/api/v1/stream'))
			protocols.push(e.response.protocol);
	});
	page.errors = [];
	page.on('pageerror', e => page.errors.push(e.message));
	return page;
}

async function test_h2() {
	const browser = await launch([]);
	const protocols = [];
	try {
		const ctx = await browser.newContext();
		const pages = [];
		for (let i = 0; i < TABS; i++) {
			const page = await open_tab(ctx, protocols);
			await page.goto(URL_);
			await page.waitForFunction(() => window.tickfeed &&
			    window.tickfeed.ready() &&
			    window.tickfeed.connection().state === 'live',
			    null, { timeout: LIVE_MS }).catch(() => {});
			pages.push(page);
		}
		const states = await Promise.all(pages.map(live));
		is(states.filter(Boolean).length, TABS,
		    `${LABEL}: all ${TABS} tabs live on their stream`);
		const nav = await pages[TABS - 1].evaluate(() =>
		    performance.getEntriesByType('navigation')[0].nextHopProtocol);
		is(nav, 'h2', `${LABEL}: the page came over h2`);
		is(protocols.length >= TABS && protocols.every(p => p === 'h2'),
		    true, `${LABEL}: every stream runs over h2 (${protocols.join(' ')})`);

		const before = await pages[0].evaluate(() => window.tickfeed.cursor());
		execFileSync(process.env.TABS_TICK, { stdio: 'inherit' });
		const health = await pages[0].evaluate(() =>
		    fetch('api/v1/health').then(r => r.json()));
		ok(health.cursor > before, `${LABEL}: a tick stored (cursor ${health.cursor})`);
		const got = await Promise.all(pages.map(p => p.waitForFunction(
		    c => window.tickfeed.cursor() >= c, health.cursor,
		    { timeout: TICK_MS }).then(() => true, () => false)));
		is(got.filter(Boolean).length, TABS,
		    `${LABEL}: every tab's stream received the next tick within ${TICK_MS / 1000} s`);
		const errors = pages.flatMap(p => p.errors);
		is(errors, [], `${LABEL}: no page errors`);
	} finally {
		await browser.close();
	}
}

/* The control: HTTP/2 off, so six connections to the host at most. */
async function test_h1() {
	const browser = await launch(['--disable-http2']);
	const protocols = [];
	try {
		const ctx = await browser.newContext();
		const pages = [];
		for (let i = 0; i < TABS; i++) {
			const page = await open_tab(ctx, protocols);
			page.goto(URL_, { timeout: H1_WAIT_MS }).catch(() => {});
			pages.push(page);
		}
		await new Promise(r => setTimeout(r, H1_WAIT_MS));
		const states = await Promise.all(pages.map(p => live(p).catch(() => false)));
		const n = states.filter(Boolean).length;
		ok(n <= 6, `${LABEL}: over HTTP/1.1 only ${n} of ${TABS} tabs get live (six connections a host)`);
		diag(`HTTP/1.1 streams: ${protocols.join(' ')}`);
	} finally {
		await browser.close();
	}
}

try {
	await test_h2();
	if (process.env.TABS_H1 === '1')
		await test_h1();
} catch (e) {
	ok(false, `${LABEL}: ${e.message}`);
}
done_testing();
