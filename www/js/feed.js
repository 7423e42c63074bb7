// feed.js: live ticks from the API, each exactly once, across any drop.
//
// The feed follows one cursor (the highest tick id it has handed on).  It
// starts from the cursor of a read answer, opens an EventSource on
// `stream?symbols=...&last_event_id=<cursor>`, and after any error closes
// it and opens a new one from its own cursor, after a backoff with jitter
// (the browser's built-in retry is not used: it would resume from the URL's
// cursor, not ours).  A tick whose id is not above the cursor is dropped,
// so a resend can never count twice.
//
// When the stream never opens but the API answers `health`, something
// between us and the app (a buffering proxy, CGI hosting) cannot stream:
// the feed falls back to long-polling `poll?since=<cursor>`, and tries the
// stream again after STREAM_RETRY_MS.  No EventSource at all: poll only.
// A stream refused for its cursor (410 pruned, 400 too new) never opens
// either; the poll it falls back to sees the status and gives up.

import { api_get, api_parse, api_url } from './api.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30e3;
const POLL_TIMEOUT_S = 25;
const POLL_ABORT_MS = (POLL_TIMEOUT_S + 15) * 1e3;
const STREAM_FAILS_BEFORE_POLL = 2;
const STREAM_RETRY_MS = 5 * 60e3;
const STREAM_LIVED_MS = 10e3;

/* backoff_ms: delay before retry number N (1, 2, ...): capped, jittered. */
export function backoff_ms(n) {
	const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (n - 1));
	return Math.round(cap / 2 + Math.random() * cap / 2);
}

export class Feed {
	/*
	 * SYMBOLS: names to follow; CURSOR: id already seen; ON_TICKS(ticks,
	 * cursor): new ticks in id order; ON_STATE(state, detail): state is
	 * 'connecting', 'live' (detail 'stream' or 'poll'), 'retrying'
	 * (detail: ms until the next try) or 'gone' (the cursor is refused,
	 * detail: the API's message; the feed has stopped).
	 */
	constructor(symbols, cursor, on_ticks, on_state) {
		this.symbols = symbols;
		this.cursor = cursor;
		this.on_ticks = on_ticks;
		this.on_state = on_state;
		this.mode = 'EventSource' in window ? 'stream' : 'poll';
		this.failures = 0;
		this.unopened = 0;
		this.es = null;
		this.abort = null;
		this.timer = 0;
		this.stopped = true;
		this.live = false;
	}

	start() {
		this.stopped = false;
		this.connect();
	}

	stop() {
		this.stopped = true;
		this.close();
	}

	/* set_symbols: follow SYMBOLS from now on, from the same cursor. */
	set_symbols(symbols) {
		this.symbols = symbols;
		if (this.stopped)
			return;
		this.close();
		this.connect();
	}

	/* close: drop the connection in use and any pending retry. */
	close() {
		clearTimeout(this.timer);
		this.timer = 0;
		if (this.es) { this.es.close(); this.es = null; }
		if (this.abort) { this.abort.abort(); this.abort = null; }
	}

	connect() {
		if (this.stopped)
			return;
		if (!this.live)
			this.on_state('connecting', this.mode);
		if (this.mode === 'stream')
			this.open_stream();
		else
			this.poll_once();
	}

	/* deliver: hand on the ticks of ANSWER above our cursor; advance it. */
	deliver(answer) {
		const fresh = answer.ticks.filter(tk => tk.id > this.cursor);
		if (fresh.length)
			this.cursor = fresh[fresh.length - 1].id;
		if (answer.cursor > this.cursor)
			this.cursor = answer.cursor;
		if (fresh.length)
			this.on_ticks(fresh, this.cursor);
	}

	/* healthy: the connection works; forget past failures. */
	healthy() {
		this.failures = 0;
		this.unopened = 0;
		if (!this.live)
			this.on_state('live', this.mode);
		this.live = true;
	}

	open_stream() {
		const es = new EventSource(api_url('stream', {
			symbols: this.symbols.join(','), last_event_id: this.cursor,
		}));
		let opened = 0;
		this.es = es;
		es.onopen = () => { opened = Date.now(); this.healthy(); };
		es.addEventListener('ticks', ev => {
			if (this.es === es)
				this.deliver(api_parse(ev.data));
		});
		es.onerror = () => {
			if (this.es !== es)
				return;
			es.close();
			this.es = null;
			if (opened && Date.now() - opened >= STREAM_LIVED_MS)
				return this.stream_ended();
			this.live = false;
			this.stream_failed(opened);
		};
	}

	/*
	 * stream_ended: a stream that served a while has ended (the server
	 * closes each after its deadline, 55 s under plain CGI): resume at
	 * once, still shown as live; if that fails, stream_failed takes over.
	 */
	stream_ended() {
		this.timer = setTimeout(() => {
			this.timer = 0;
			this.connect();
		}, 100 + Math.random() * 300);
	}

	/* stream_failed: after a drop, retry; if it never opened, maybe poll. */
	async stream_failed(opened) {
		this.unopened = opened ? 0 : this.unopened + 1;
		if (this.unopened >= STREAM_FAILS_BEFORE_POLL && await this.api_up()) {
			this.mode = 'poll';
			this.unopened = 0;
			this.live = false;
			setTimeout(() => { this.mode = 'stream'; }, STREAM_RETRY_MS);
			this.connect();
			return;
		}
		this.retry();
	}

	/* api_up: whether `health` answers at all (the app is reachable). */
	async api_up() {
		try {
			await api_get('health', {}, AbortSignal.timeout(5e3));
			return !this.stopped;
		} catch (e) {
			return false;
		}
	}

	async poll_once() {
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), POLL_ABORT_MS);
		this.abort = abort;
		try {
			const answer = await api_get('poll', {
				symbols: this.symbols.join(','), since: this.cursor,
				timeout: POLL_TIMEOUT_S,
			}, abort.signal);
			if (this.abort !== abort)
				return;
			this.abort = null;
			this.healthy();
			this.deliver(answer);
			this.connect();
		} catch (e) {
			if (this.abort !== abort)
				return;
			this.abort = null;
			if (e.status === 410 || e.status === 400)
				this.gone(e);
			else
				this.retry();
		} finally {
			clearTimeout(timer);
		}
	}

	/*
	 * gone: the API refuses our cursor: 410, the ticks after it were pruned
	 * (candles keep them), or 400, it is beyond the newest (a new database).
	 * Following on would leave a gap: stop, and let the page start over.
	 */
	gone(e) {
		this.stop();
		this.on_state('gone', e.message);
	}

	retry() {
		if (this.stopped)
			return;
		const ms = backoff_ms(++this.failures);
		this.live = false;
		this.on_state('retrying', ms);
		this.timer = setTimeout(() => { this.timer = 0; this.connect(); }, ms);
	}
}
