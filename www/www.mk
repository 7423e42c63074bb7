# www/: the chart page is static files; the build only copies the chart
# library's standalone production file from npm (package-lock.json pins it)
# into www/vendor/, which is not committed.  `make screenshot` runs the
# browser test against a live stack and keeps its pictures of the page,
# overlays on, at desktop width (docs/screenshot.png) and at phone width
# (docs/screenshot-phone.png).

LWC_DIST    := node_modules/lightweight-charts/dist/lightweight-charts.standalone.production.js
WWW_VENDOR  := www/vendor/lightweight-charts.standalone.production.js
NPM_STAMP   := node_modules/.package-lock.json

.PHONY: screenshot

all: $(WWW_VENDOR)

# npm ci rewrites node_modules/.package-lock.json: it stands for the tree.
$(NPM_STAMP): package-lock.json package.json
	@command -v npm >/dev/null || { echo 'www: npm is missing: run scripts/deps.sh' >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(LWC_DIST): $(NPM_STAMP)

$(WWW_VENDOR): $(LWC_DIST)
	@mkdir -p $(dir $@)
	cp $< $@

screenshot: all
	TICKFEED_SCREENSHOT=$(CURDIR)/docs/screenshot.png \
	    TICKFEED_SCREENSHOT_PHONE=$(CURDIR)/docs/screenshot-phone.png \
	    tests/browser/chart.t

CLEAN_EXTRA += www/vendor
