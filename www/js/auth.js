// auth.js: the page's side of API keys (API.md "Access keys").  Nothing
// shows while the API answers.  When it refuses (401, or 403 for a
// revoked key), a small form asks for a key; the key is kept in this
// browser (localStorage), sent as `Authorization: Bearer` with every
// fetch, and as the `tickfeed_key` cookie (Path: the API's, SameSite=
// Strict, Secure on https) for the stream, since EventSource cannot send
// headers.  Then the page starts over with it.  "Log out" forgets it.
//
// The cookie goes only to the page's own site: with the API on another
// site the fetches still carry the header, and the feed, its stream
// refused, falls back to long-poll (docs/chart.md).

const STORE = 'tickfeed_key';
const COOKIE = 'tickfeed_key';
const COOKIE_MAX_AGE_S = 400 * 86400;	/* the most browsers keep */
const KEY_RE = /^[A-Za-z0-9._~+/-]+=*$/;	/* RFC 6750 b64token */

let cookie_set = false;
let form = null;

/* auth_key: the key kept in this browser, or ''. */
export function auth_key() {
	try {
		return localStorage.getItem(STORE) || '';
	} catch (e) {
		return '';
	}
}

/* cookie: the tickfeed_key cookie for the API at BASE (max_age 0: gone). */
function cookie(base, value, max_age) {
	const path = new URL('api/', base).pathname;
	document.cookie = `${COOKIE}=${value}; Path=${path}; Max-Age=${max_age}` +
	    `; SameSite=Strict${location.protocol === 'https:' ? '; Secure' : ''}`;
}

/*
 * auth_headers: the headers a fetch to the API at BASE carries; sets the
 * stream's cookie the first time (it may have expired since the login).
 */
export function auth_headers(base) {
	const key = auth_key();
	if (!key)
		return {};
	if (!cookie_set) {
		cookie(base, key, COOKIE_MAX_AGE_S);
		cookie_set = true;
		show_logout(base);
	}
	return { Authorization: 'Bearer ' + key };
}

function forget(base) {
	try {
		localStorage.removeItem(STORE);
	} catch (e) { /* storage off: nothing kept */ }
	cookie(base, '', 0);
}

function show_logout(base) {
	if (document.getElementById('logout'))
		return;
	const b = document.createElement('button');
	b.id = 'logout';
	b.type = 'button';
	b.className = 'logout';
	b.textContent = 'log out';
	b.addEventListener('click', () => { forget(base); location.reload(); });
	document.querySelector('header.top').append(b);
}

function build_form(base) {
	const f = document.createElement('form');
	f.id = 'login';
	f.className = 'login';
	f.innerHTML = '<label for="login-key"></label>' +
	    '<input id="login-key" name="key" type="password" required ' +
	    'minlength="16" maxlength="256" autocomplete="current-password" ' +
	    'spellcheck="false" placeholder="API key">' +
	    '<button type="submit">Log in</button>';
	f.addEventListener('submit', ev => {
		ev.preventDefault();
		const key = f.elements.key.value.trim();
		if (!KEY_RE.test(key)) {
			f.querySelector('label').textContent = 'That is not an API key.';
			return;
		}
		try {
			localStorage.setItem(STORE, key);
		} catch (e) { /* kept for this page only: the cookie */ }
		cookie(base, key, COOKIE_MAX_AGE_S);
		location.reload();
	});
	document.querySelector('header.top').after(f);
	return f;
}

/*
 * auth_refused: the API at BASE answered STATUS 401 or 403 with the
 * API's error CODE: ask for a key, saying why.
 */
export function auth_refused(base, status, code) {
	if (!form)
		form = build_form(base);
	const had = auth_key() !== '';
	form.querySelector('label').textContent =
	    code === 'key_revoked' ? 'This API key was revoked: enter another.' :
	    had ? 'This API key is not valid: enter another.' :
	    'This tickfeed needs an API key.';
	if (document.activeElement !== form.elements.key)
		form.elements.key.focus();
}
