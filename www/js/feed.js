// feed.js: live ticks from the API, each exactly once, across any drop.
//
// The feed follows one cursor (the highest tick id it has handed on, or
// the cursor of any event after it).  It starts from the cursor of a read
// answer, opens an EventSource on `stream?symbols=...&last_event_id=
// <cursor>`, and after any error closes it and opens a new one from its
// own cursor, after a backoff with jitter (the browser's built-in retry
// is not used: it would not back off, nor follow a change of symbols).  A
// tick whose id is not above the cursor is dropped, so a resend can never
// count twice.
//
// The stream (API.md) opens with a `start` event (the cursor, the
// heartbeat interval), sends `ticks`, and a `heartbeat` every
// heartbeat_ms.  The feed is live once `start` came: the app itself is
// streaming, not only the web server.  A live stream that stays silent
// for two heartbeats and SILENCE_MARGIN_MS is dead (a stalled app, a
// half-open connection): the feed closes it and reconnects.
//
// While the app is down or restarting, the web server answers the stream
// with a 200 event stream holding only `retry:` (conf/): it opens and
// ends at once, without `start`.  The server is there and says "later":
// the feed backs off (at most RESTART_BACKOFF_MAX_MS) and tries again, and
// never falls back to long-poll for it.
//
// When the stream never opens (no 200 event stream, or no `start` within
// START_WAIT_MS) twice while the API answers `health`, something between
// us and the app (a buffering proxy, CGI hosting) cannot stream: the feed
// falls back to long-polling `poll?since=<cursor>`, and tries the stream
// again after STREAM_RETRY_MS.  No EventSource at all: poll only.  A
// stream refused for its cursor (410 pruned, 400 too new) never opens
// either; the poll it falls back to sees the status and gives up.

import { api_get, api_parse, api_url } from './api.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30e3;
const RESTART_BACKOFF_MAX_MS = 4e3;
const POLL_TIMEOUT_S = 25;
const POLL_ABORT_MS = (POLL_TIMEOUT_S + 15) * 1e3;
const STREAM_FAILS_BEFORE_POLL = 2;
const STREAM_RETRY_MS = 5 * 60e3;
const STREAM_LIVED_MS = 10e3;
const START_WAIT_MS = 10e3;
export const SILENCE_MARGIN_MS = 1e3;

/* backoff_ms: delay before retry number N (1, 2, ...): capped at CAP, jittered. */
export function backoff_ms(n, cap = BACKOFF_MAX_MS) {
	const top = Math.min(cap, BACKOFF_MIN_MS * 2 ** (n - 1));
	return Math.round(top / 2 + Math.random() * top / 2);
}

/* silence_limit_ms: how long a live stream may be silent before it is dead. */
export function silence_limit_ms(heartbeat_ms) {
	return 2 * heartbeat_ms + SILENCE_MARGIN_MS;
}

export class Feed {
	/*
	 * SYMBOLS: names to follow; CURSOR: id already seen; ON_TICKS(ticks,
	 * cursor): new ticks in id order; ON_STATE(state, detail): state is
	 * 'connecting', 'live' (detail 'stream' or 'poll'), 'retrying'
	 * (detail: ms until the next try) or 'gone' (the cursor is refused,
	 * detail: the API's message; the feed has stopped); ON_BEAT(age): a
	 * heartbeat came, AGE the store's newest_tick_age_ms (null: empty).
	 */
	constructor(symbols, cursor, on_ticks, on_state, on_beat = () => {}) {
		this.symbols = symbols;
		this.cursor = cursor;
		this.on_ticks = on_ticks;
		this.on_state = on_state;
		this.on_beat = on_beat;
		this.mode = 'EventSource' in window ? 'stream' : 'poll';
		this.failures = 0;
		this.unopened = 0;
		this.stream = null;
		this.abort = null;
		this.timer = 0;
		this.watch_timer = 0;
		this.stopped = true;
		this.live = false;
		/* what tests and the curious read (window.tickfeed.feed()) */
		this.stats = { streams: 0, starts: 0, polls: 0, dupes: 0,
		    stalls: 0, stalled_at: 0, last_event_at: 0, heartbeat_ms: 0 };
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
		this.drop_stream();
		if (this.abort) { this.abort.abort(); this.abort = null; }
	}

	/* drop_stream: close the EventSource in use and its watchdog. */
	drop_stream() {
		clearTimeout(this.watch_timer);
		this.watch_timer = 0;
		if (this.stream) { this.stream.es.close(); this.stream = null; }
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
		this.stats.dupes += answer.ticks.length - fresh.length;
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
		const s = { es, opened: false, started: 0, heard: Date.now(),
		    quiet_ms: START_WAIT_MS };
		this.stream = s;
		this.stats.streams++;
		this.watch();
		es.onopen = () => { s.opened = true; };
		this.listen(s, 'start', d => {
			s.started = Date.now();
			s.quiet_ms = silence_limit_ms(d.heartbeat_ms);
			this.stats.starts++;
			this.stats.heartbeat_ms = d.heartbeat_ms;
			this.watch();
			this.healthy();
		});
		this.listen(s, 'ticks', d => this.deliver(d));
		this.listen(s, 'heartbeat', d => this.on_beat(d.newest_tick_age_ms));
		es.onerror = () => {
			if (this.stream !== s)
				return;
			this.drop_stream();
			this.stream_lost(s, false);
		};
	}

	/*
	 * listen: TAKE(data) for each TYPE event of stream S while it is the
	 * one in use; every event moves the cursor to its own.
	 */
	listen(s, type, take) {
		s.es.addEventListener(type, ev => {
			if (this.stream !== s)
				return;
			const d = api_parse(ev.data);
			s.heard = this.stats.last_event_at = Date.now();
			take(d);
			if (d.cursor > this.cursor)
				this.cursor = d.cursor;
		});
	}

	/*
	 * watch: the watchdog of the stream in use.  It fires when nothing
	 * came for the stream's quiet_ms (START_WAIT_MS before `start`, then
	 * silence_limit_ms), and re-arms itself rather than being reset by
	 * every event.
	 */
	watch() {
		const s = this.stream;
		clearTimeout(this.watch_timer);
		this.watch_timer = 0;
		if (!s)
			return;
		const left = s.heard + s.quiet_ms - Date.now();
		if (left > 0) {
			this.watch_timer = setTimeout(() => this.watch(), left);
			return;
		}
		this.drop_stream();
		if (s.started) {
			this.stats.stalls++;
			this.stats.stalled_at = Date.now();
		}
		this.stream_lost(s, true);
	}

	/*
	 * stream_lost: stream S ended or failed (SILENT: its watchdog fired);
	 * resume, retry after a backoff, or count a stream that never opened.
	 */
	stream_lost(s, silent) {
		if (!silent && s.started && Date.now() - s.started >= STREAM_LIVED_MS)
			return this.stream_ended();
		this.live = false;
		if (s.started)
			this.retry();
		else if (s.opened && !silent)	/* the web server's retry: */
			this.retry(RESTART_BACKOFF_MAX_MS);	/* the app restarts */
		else
			this.stream_failed();
	}

	/*
	 * stream_ended: a stream that served a while has ended (the server
	 * closes each after its deadline, 55 s under plain CGI; or the app
	 * went away): resume at once, still shown as live; if that fails,
	 * stream_lost takes over.
	 */
	stream_ended() {
		this.timer = setTimeout(() => {
			this.timer = 0;
			this.connect();
		}, 100 + Math.random() * 300);
	}

	/* stream_failed: a stream that never opened; maybe poll instead. */
	async stream_failed() {
		this.unopened++;
		const poll = this.unopened >= STREAM_FAILS_BEFORE_POLL &&
		    await this.api_up();
		if (this.stopped || this.stream || this.abort || this.timer)
			return;		/* set_symbols() reconnected meanwhile */
		if (poll) {
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
		this.stats.polls++;
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

	/* retry: connect again after a backoff (capped at CAP ms). */
	retry(cap = BACKOFF_MAX_MS) {
		if (this.stopped)
			return;
		const ms = backoff_ms(++this.failures, cap);
		this.live = false;
		this.on_state('retrying', ms);
		this.timer = setTimeout(() => { this.timer = 0; this.connect(); }, ms);
	}
}
