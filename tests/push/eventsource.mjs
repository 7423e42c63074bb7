// eventsource.mjs: the stream read by the npm `eventsource` package (a
// generic SSE client: no page code, its own reconnects) against the stack
// eventsource.t started.  Prints TAP; see eventsource.t for what it checks.
//
// Environment (set by eventsource.t):
//   TICKFEED_NGINX, TICKFEED_APACHE  base URLs of the two web servers
//   TICKFEED_CTL     a script: app-stop | app-start | sim-start | sim-stop
//                    | ingest FILE
//   TICKFEED_DB      the store, read here with sqlite3 for the truth
//   TICKFEED_TMP     a scratch directory
//   TICKFEED_HEARTBEAT_MS  the app's heartbeat interval

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { EventSource } from 'eventsource';
import { diag, done_testing, is, ok } from '../browser/tap.mjs';

const NGINX = process.env.TICKFEED_NGINX;
const APACHE = process.env.TICKFEED_APACHE;
const DB = process.env.TICKFEED_DB;
const TMP = process.env.TICKFEED_TMP;
const HEARTBEAT_MS = Number(process.env.TICKFEED_HEARTBEAT_MS);
const SYMBOLS = ['AAPL', 'MSFT'];	/* EURUSD is committed, not followed */
const OUTAGE_MS = 6000;
const CATCH_UP_MS = 15000;

const sleep = ms => new Promise(r => setTimeout(r, ms));

function ctl(...args) {
	return execFileSync(process.env.TICKFEED_CTL, args,
	    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/* store_ids: ids of the followed symbols' ticks above CURSOR, in order. */
function store_ids(cursor) {
	const list = SYMBOLS.map(s => `'${s}'`).join(',');
	const out = execFileSync('sqlite3', ['-readonly', DB,
	    'SELECT t.id FROM ticks t JOIN symbols s ON s.id = t.symbol_id ' +
	    `WHERE t.id > ${cursor} AND s.symbol IN (${list}) ORDER BY t.id`],
	    { encoding: 'utf8' });
	return out.split('\n').filter(Boolean).map(Number);
}

function store_head() {
	return Number(execFileSync('sqlite3', ['-readonly', DB,
	    'SELECT coalesce(max(id), 0) FROM ticks'], { encoding: 'utf8' }));
}

/* until: wait for COND() to hold, up to MS; whether it did. */
async function until(cond, ms) {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end)
			return false;
		await sleep(50);
	}
	return true;
}

let csv_n = 0;
function ingest_csv(lines) {
	const file = `${TMP}/feed-${++csv_n}.csv`;
	writeFileSync(file, 'symbol,ts,price,size\n' + lines.join('\n') + '\n');
	ctl('ingest', file);
}

/*
 * Client: one `eventsource` EventSource on the stream, recording what a
 * test needs: every tick id in the order received, each event's type
 * and id, and, through the package's fetch option, every request it
 * made (the Last-Event-ID it sent, and the last id it had received by
 * then) and every answer's status and type.
 */
class Client {
	constructor(name, url) {
		this.name = name;
		this.ids = [];
		this.last_id = null;
		this.starts = [];
		this.heartbeats = [];
		this.requests = [];
		this.answers = [];
		this.closed = false;
		this.bad_events = [];
		this.es = new EventSource(url, { fetch: (u, init) => this.fetch(u, init) });
		this.es.addEventListener('start', ev => this.on_event(ev, d =>
		    this.starts.push(d)));
		this.es.addEventListener('heartbeat', ev => this.on_event(ev, d =>
		    this.heartbeats.push(d)));
		this.es.addEventListener('ticks', ev => this.on_event(ev, d => {
			for (const tk of d.ticks)
				this.ids.push(tk.id);
		}));
		this.es.addEventListener('error', () => {
			if (this.es.readyState === EventSource.CLOSED)
				this.closed = true;
		});
	}

	async fetch(url, init) {
		this.requests.push({ at: Date.now(), last_id: this.last_id,
		    sent: init.headers['Last-Event-ID'] ?? null });
		const res = await fetch(url, init);
		this.answers.push({ at: Date.now(), status: res.status,
		    type: res.headers.get('content-type') });
		return res;
	}

	/* on_event: every event's id must be its data's cursor. */
	on_event(ev, take) {
		const d = JSON.parse(ev.data);
		if (ev.lastEventId !== String(d.cursor))
			this.bad_events.push(`${ev.type} id ${ev.lastEventId} cursor ${d.cursor}`);
		this.last_id = ev.lastEventId;
		take(d);
	}

	close() {
		this.es.close();
	}
}

/*
 * Relay: a TCP relay standing for the network between a client and a web
 * server.  cut() drops every connection through it and refuses new ones
 * (each is closed at once) until mend().
 */
class Relay {
	constructor(port) {
		this.port = port;
		this.up = true;
		this.socks = new Set();
		this.server = net.createServer(c => this.accept(c));
	}

	listen() {
		return new Promise(r => this.server.listen(0, '127.0.0.1',
		    () => r(`http://127.0.0.1:${this.server.address().port}`)));
	}

	accept(c) {
		if (!this.up)
			return c.destroy();
		const u = net.connect(this.port, '127.0.0.1');
		c.pipe(u);
		u.pipe(c);
		for (const s of [c, u]) {
			this.socks.add(s);
			s.on('error', () => {});
			s.on('close', () => {
				this.socks.delete(s);
				c.destroy();
				u.destroy();
			});
		}
	}

	cut() {
		this.up = false;
		for (const s of this.socks)
			s.destroy();
	}

	mend() {
		this.up = true;
	}

	close() {
		this.cut();
		this.server.close();
	}
}

function stream_url(base, params = {}) {
	const url = new URL('api/v1/stream', base + '/');
	url.searchParams.set('symbols', SYMBOLS.join(','));
	for (const [k, v] of Object.entries(params))
		url.searchParams.set(k, String(v));
	return url.href;
}

/*
 * The opening event is all a client has seen when its connection drops:
 * it must come back with that event's id as Last-Event-ID and get the
 * ticks committed while it was away.
 */
async function test_lost_before_first_tick() {
	const relay = new Relay(Number(new URL(NGINX).port));
	const base = await relay.listen();
	const head = store_head();
	const c = new Client('first-tick', stream_url(base));
	ok(await until(() => c.starts.length === 1, 5000),
	    'before its first tick: the start event arrives');
	is(c.last_id, String(head), 'its id is the store\'s newest id (from now)');
	relay.cut();
	const sent = c.requests.length;
	const t = Date.now();
	ingest_csv([`AAPL,${t},190.01,1`, `MSFT,${t + 1},371.02,2`,
	    `EURUSD,${t + 2},1.08601,3`, `AAPL,${t + 3},190.04,4`]);
	/* at least one reconnect refused while cut (the app's retry: 2000) */
	ok(await until(() => c.requests.length > sent, 5000),
	    'the connection lost, the client tries again by itself');
	relay.mend();
	const want = store_ids(head);
	is(want.length, 3, 'three ticks of its symbols committed meanwhile');
	await until(() => c.ids.length >= want.length, 10000);
	is(c.ids, want, 'after reconnecting it has every tick committed meanwhile, once, in order');
	const resumed = c.requests.slice(1).map(r => r.sent);
	ok(resumed.length > 0 && resumed.every(v => v === String(head)),
	    `each reconnect sent Last-Event-ID: ${head} (${JSON.stringify(resumed)})`);
	is(c.starts.length, 2, 'one start event per connection that reached the app');
	is(c.bad_events, [], 'every event\'s id equals its data\'s cursor');
	ok(!c.closed, 'the client never closed for good');
	c.close();
	relay.close();
}

/* poll_down: the long-poll answer through BASE while the app is down. */
async function poll_down(base) {
	const res = await fetch(new URL('api/v1/poll?timeout=0', base + '/'));
	return { status: res.status, retry_after: res.headers.get('retry-after'),
	    code: (await res.json()).error.code };
}

/*
 * A 6 s outage of the app while ticks are committed.  Behind nginx and
 * behind Apache mod_proxy_fcgi, one client rides it out (connected
 * before) and one joins during it (its first request finds the app down).
 */
async function test_outage() {
	const head = store_head();
	const url = base => stream_url(base, { last_event_id: head });
	const riding = [new Client('nginx', url(NGINX)),
	    new Client('apache', url(APACHE))];
	ok(await until(() => riding.every(c => c.starts.length === 1), 5000),
	    'both riding clients opened (start event)');
	ctl('sim-start');
	await sleep(2000);
	ctl('app-stop');
	const down_at = Date.now();
	const head_down = store_head();
	await sleep(1000);
	const joining = [new Client('nginx, joined while down', url(NGINX)),
	    new Client('apache, joined while down', url(APACHE))];
	await sleep(500);
	is(await poll_down(NGINX), { status: 503, retry_after: '1', code: 'unavailable' },
	    'nginx: long-poll keeps the JSON 503 with Retry-After while the app is down');
	is(await poll_down(APACHE), { status: 503, retry_after: '1', code: 'unavailable' },
	    'Apache: the same');
	await sleep(OUTAGE_MS - (Date.now() - down_at));
	ctl('app-start');
	const up_at = Date.now();
	const head_up = store_head();
	diag(`app down ${up_at - down_at} ms; ids ${head_down} -> ${head_up} committed meanwhile`);
	ok(head_up - head_down > 50, `ticks were committed during the outage (${head_up - head_down})`);
	await sleep(3000);
	ctl('sim-stop');
	const want = store_ids(head);
	const all = [...riding, ...joining];
	for (const c of all)
		await until(() => c.ids.length >= want.length, CATCH_UP_MS);
	for (const c of riding)
		check_outage_client(c, want, down_at, up_at, 2);
	for (const c of joining)
		check_outage_client(c, want, down_at, up_at, 1);
	for (const c of all)
		c.close();
}

/* check_outage_client: C against the store; STARTS: the app opened it. */
function check_outage_client(c, want, down_at, up_at, starts) {
	const n = c.name;
	is(c.ids, want, `${n}: every tick of its symbols since its cursor, once, in id order (${want.length})`);
	const during = c.answers.filter(a => a.at > down_at && a.at < up_at);
	ok(during.length >= 3, `${n}: it kept reconnecting during the outage (${during.length} answers)`);
	const bad = c.answers.filter(a => a.status !== 200 ||
	    a.type !== 'text/event-stream');
	is(bad, [], `${n}: every answer was 200 text/event-stream (${c.answers.length})`);
	ok(!c.closed, `${n}: the client never closed for good`);
	const wrong = c.requests.slice(1).filter(r => r.sent !== r.last_id);
	is(wrong, [], `${n}: each of ${c.requests.length - 1} reconnects sent the last id received as Last-Event-ID`);
	is(c.starts.length, starts, `${n}: ${starts} start event(s): the stream opened on the restarted app`);
	const beats = c.heartbeats.length;
	ok(beats >= 2, `${n}: heartbeat events arrived (${beats})`);
	is(c.bad_events, [], `${n}: every event's id equals its data's cursor`);
	const back = c.answers.find(a => a.at > up_at);
	if (back)
		diag(`${n}: first answer ${back.at - up_at} ms after the app was back`);
}

async function main() {
	ok(Number.isInteger(HEARTBEAT_MS) && HEARTBEAT_MS > 0, 'settings read');
	try {
		await test_lost_before_first_tick();
		await test_outage();
	} catch (e) {
		ok(false, 'the eventsource test ran to its end');
		diag(e.stack);
		try { ctl('sim-stop'); } catch (ignored) { /* already stopped */ }
	}
	process.exitCode = done_testing() ? 0 : 1;
}

main();
