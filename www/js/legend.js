// legend.js: the lines above the chart: the time and O H L C V of the bar
// under the crosshair (or of the last bar), then the overlays' values at
// that bar.  Text only (textContent), prices with the chart's decimals.

import { price_text, volume_text } from './format.js';

/* cell: a <span> with a muted KEY and the text VALUE. */
function cell(key, value, cls) {
	const span = document.createElement('span');
	if (cls)
		span.className = cls;
	if (key) {
		const b = document.createElement('b');
		b.textContent = key;
		span.append(b, ' ');
	}
	span.append(value);
	return span;
}

export class Legend {
	constructor(container) {
		this.el = document.createElement('div');
		this.el.className = 'legend';
		this.bar_line = document.createElement('div');
		this.bar_line.className = 'legend-bar';
		this.overlay_line = document.createElement('div');
		this.overlay_line.className = 'legend-overlays';
		this.el.append(this.bar_line, this.overlay_line);
		container.appendChild(this.el);
	}

	/*
	 * show: bar B (null: nothing) at TIME (text), prices with D decimals,
	 * and OVERLAYS: [{name, label, value (null: none yet)}].
	 */
	show(b, time, d, overlays) {
		if (!b) {
			this.bar_line.replaceChildren();
			this.overlay_line.replaceChildren();
			return;
		}
		const cells = [cell('', time, 'legend-time')];
		for (const [k, x] of [['O', b.open], ['H', b.high], ['L', b.low],
		    ['C', b.close]])
			cells.push(cell(k, price_text(x, d)));
		cells.push(cell('V', volume_text(b.volume)));
		this.bar_line.replaceChildren(...cells);
		this.bar_line.dataset.dir = b.close >= b.open ? 'up' : 'down';
		this.overlay_line.replaceChildren(...overlays.map(o =>
		    cell(o.label, o.value === null ? '—' : price_text(o.value, d),
		    'legend-' + o.name)));
	}

	/* text: what the legend says, line by line (for tests). */
	text() {
		return [this.bar_line.textContent, this.overlay_line.textContent];
	}
}
