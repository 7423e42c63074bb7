// age.js: "last tick N s ago", the age of the store's newest tick (any
// symbol), so that a reader tells a quiet market from a dead feed.
//
// The server knows the age exactly: every stream heartbeat carries
// newest_tick_age_ms, measured on the server's clock.  Between beats the
// page moves it on itself: with the newest tick time it has seen (from
// `symbols`, then from every tick delivered) and its own clock, corrected
// by what the last heartbeat said.  So the figure drops the moment a
// tick arrives, grows while nothing does, and a page whose clock is off
// shows the server's age all the same.  Under long-poll (no heartbeats)
// it is the page's clock against the tick times.

export class TickAge {
	/* NEWEST_TS: the newest tick time known at the start (null: none). */
	constructor(newest_ts) {
		this.newest_ts = newest_ts ?? null;
		this.skew = 0;
	}

	/* seen: a tick of time TS was delivered (late ones change nothing). */
	seen(ts) {
		if (this.newest_ts === null || ts > this.newest_ts)
			this.newest_ts = ts;
	}

	/*
	 * beat: a heartbeat said AGE_MS (null: the store is empty) at NOW on
	 * the page's clock.  The server's newest tick may be one the page has
	 * not seen (a symbol it does not follow yet): the skew takes that in
	 * too, until the next tick or beat.
	 */
	beat(age_ms, now) {
		if (age_ms === null || age_ms === undefined) {
			this.newest_ts = null;
			this.skew = 0;
			return;
		}
		if (this.newest_ts === null)
			this.newest_ts = now - age_ms;
		this.skew = age_ms - (now - this.newest_ts);
	}

	/* age: the newest tick's age in ms at NOW (never below 0), or null. */
	age(now) {
		if (this.newest_ts === null)
			return null;
		return Math.max(0, now - this.newest_ts + this.skew);
	}
}

/* age_text: what the page shows for an age of MS (null: no tick yet). */
export function age_text(ms) {
	if (ms === null)
		return 'no ticks yet';
	const s = Math.floor(ms / 1e3);
	if (s < 60)
		return `last tick ${s} s ago`;
	if (s < 3600)
		return `last tick ${Math.floor(s / 60)} min ago`;
	if (s < 86400)
		return `last tick ${Math.floor(s / 3600)} h ago`;
	return `last tick ${Math.floor(s / 86400)} d ago`;
}
