// timeaxis.js: the chart's time axis in a chosen time zone.
//
// lightweight-charts works in UTC and has no time zones; its docs suggest
// shifting each bar's time by the zone's offset.  That breaks on the day
// clocks go back: the bars of the repeated hour would come twice with the
// same times, and a series must be in ascending order.  So the bars keep
// their true times, and only what the axis shows follows the zone: the
// weights that decide which bars get a tick mark (a local midnight is a
// day mark, not 00:00 UTC) are computed on the zone's wall clock, through
// the library's extension point for the horizontal scale (createChartEx
// with a subclass of defaultHorzScaleBehavior() overriding
// fillWeightsForPoints), and the labels (tickMarkFormatter, the
// crosshair's timeFormatter) are the wall clock of the zone.
//
// Daily and weekly bars are trading days and weeks of the store's zone:
// they are labelled by their date there, whatever zone the reader chose.

import { wall_ms, wall_parts } from './zone.js';

/* lightweight-charts' TickMarkWeight values (the same scale). */
const W = { YEAR: 70, MONTH: 60, DAY: 50, SECOND: 10, NONE: 0 };
const INTRADAY_WEIGHTS = [
	[1e3, 10], [60e3, 20], [300e3, 21], [1800e3, 22],
	[3600e3, 30], [3 * 3600e3, 31], [6 * 3600e3, 32], [12 * 3600e3, 33],
];
/* lightweight-charts' TickMarkType values. */
const TYPE = { YEAR: 0, MONTH: 1, DAY: 2, TIME: 3, SECONDS: 4 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug',
	'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MARKS_KEPT = 400;

/*
 * wall_weight: the weight of a tick mark at wall time CUR after one at
 * PREV (both wall clocks, ms of a UTC calendar), as lightweight-charts
 * weighs UTC times: a new year, month or day, else the coarsest of the
 * intraday steps crossed.  When the clock went back (the repeated hour),
 * the coarsest step CUR starts.
 */
export function wall_weight(cur, prev) {
	if (cur <= prev) {
		for (let i = INTRADAY_WEIGHTS.length - 1; i >= 0; i--)
			if (cur % INTRADAY_WEIGHTS[i][0] === 0)
				return INTRADAY_WEIGHTS[i][1];
		return W.NONE;
	}
	const a = new Date(cur), b = new Date(prev);
	if (a.getUTCFullYear() !== b.getUTCFullYear())
		return W.YEAR;
	if (a.getUTCMonth() !== b.getUTCMonth())
		return W.MONTH;
	if (a.getUTCDate() !== b.getUTCDate())
		return W.DAY;
	for (let i = INTRADAY_WEIGHTS.length - 1; i >= 0; i--) {
		const [ms, w] = INTRADAY_WEIGHTS[i];
		if (Math.floor(cur / ms) !== Math.floor(prev / ms))
			return w;
	}
	return W.NONE;
}

/*
 * fill_weights: set timeWeight of POINTS (the library's time points,
 * sorted; originalTime in seconds) from index START on, weighed on the
 * wall clock of ZONE; the first point's predecessor is guessed one
 * average step back, as the library does.
 */
export function fill_weights(points, start, zone) {
	if (!points.length)
		return;
	const wall = i => wall_ms(points[i].originalTime * 1e3, zone);
	let prev = start > 0 ? wall(start - 1) : null;
	for (let i = start; i < points.length; i++) {
		const cur = wall(i);
		if (prev !== null)
			points[i].timeWeight = wall_weight(cur, prev);
		prev = cur;
	}
	if (start === 0 && points.length > 1) {
		const n = points.length - 1;
		const step = Math.ceil((points[n].originalTime -
		    points[0].originalTime) / n) * 1e3;
		const t0 = points[0].originalTime * 1e3;
		points[0].timeWeight = wall_weight(wall_ms(t0, zone),
		    wall_ms(t0 - step, zone));
	}
}

const two = n => String(n).padStart(2, '0');

/* clock_text: "HH:MM" (SECONDS: "HH:MM:SS") of wall parts P. */
function clock_text(p, seconds) {
	return two(p.hour) + ':' + two(p.minute) + (seconds ? ':' + two(p.second) : '');
}

/* date_text: "Sun 3 Nov '24" of wall parts P. */
function date_text(p) {
	return WEEKDAYS[p.weekday] + ' ' + p.day + ' ' + MONTHS[p.month - 1] +
	    ' \'' + two(p.year % 100);
}

/*
 * mark_text: the label of a tick mark of TYPE (lightweight-charts'
 * TickMarkType) at MS in ZONE: "2024", "Nov", "3 Nov", "01:30", "01:30:05".
 */
export function mark_text(ms, type, zone) {
	const p = wall_parts(ms, zone);
	switch (type) {
	case TYPE.YEAR: return String(p.year);
	case TYPE.MONTH: return MONTHS[p.month - 1];
	case TYPE.DAY: return p.day + ' ' + MONTHS[p.month - 1];
	case TYPE.SECONDS: return clock_text(p, true);
	default: return clock_text(p, false);
	}
}

/*
 * time_text: a bar's time as the crosshair and the legend show it: DAILY
 * (a day or week bar) "Sun 3 Nov '24", else "Sun 3 Nov '24 01:30 EDT",
 * the zone's name telling the two 01:30 of a night clocks go back apart.
 */
export function time_text(ms, zone, daily) {
	const p = wall_parts(ms, zone);
	return daily ? date_text(p) : date_text(p) + ' ' + clock_text(p, false) +
	    ' ' + p.name;
}

/* clock_of: "HH:MM:SS" at MS in ZONE (recent trades). */
export function clock_of(ms, zone) {
	return clock_text(wall_parts(ms, zone), true);
}

/* stamp_of: "2024-11-03 01:30:05.250 EDT" at MS in ZONE (a tooltip). */
export function stamp_of(ms, zone) {
	const p = wall_parts(ms, zone);
	return p.year + '-' + two(p.month) + '-' + two(p.day) + ' ' +
	    clock_text(p, true) + '.' + String(p.ms).padStart(3, '0') + ' ' +
	    p.name;
}

/*
 * TimeAxis: what the chart's horizontal scale reads.  zone is where the
 * labels and marks are; daily says the bars are days or weeks.  marks
 * keeps the last labels the axis asked for ({t, type, label}), for tests.
 */
export class TimeAxis {
	constructor() {
		this.zone = 'UTC';
		this.daily = false;
		this.marks = [];
	}

	/* set: labels in ZONE for bars that are DAILY or not. */
	set(zone, daily) {
		this.zone = zone;
		this.daily = daily;
		this.marks = [];
	}

	/* options: the chart options that make its labels ours. */
	options() {
		return {
			localization: {
				timeFormatter: t => time_text(t * 1e3, this.zone, this.daily),
			},
			timeScale: {
				tickMarkFormatter: (t, type) => this.mark(t * 1e3, type),
				timeVisible: !this.daily,
			},
		};
	}

	mark(ms, type) {
		const label = mark_text(ms, type, this.zone);
		this.marks.push({ t: ms, type, label });
		if (this.marks.length > MARKS_KEPT)
			this.marks.splice(0, this.marks.length - MARKS_KEPT);
		return label;
	}

	/*
	 * behavior: a horizontal scale behaviour for createChartEx: the
	 * library's own (defaultHorzScaleBehavior from LC, the library's
	 * namespace), weighing marks on this axis's wall clock.
	 */
	behavior(lc) {
		const axis = this;
		const Base = lc.defaultHorzScaleBehavior();
		class Zoned extends Base {
			fillWeightsForPoints(points, start) {
				fill_weights(points, start, axis.zone);
			}
		}
		return new Zoned();
	}
}
