/*
 * Accolade inbox widget — <accolade-inbox server="https://accolade.example.com" token="…" locale="id">
 *
 * Served by Accolade at GET /v1/inbox/widget.js (compiled into the binary from
 * Sources/AccoladeServer/Inbox/Widget/widget.js). No dependencies, no build step.
 *
 * - A bell with the unread count, a panel of reward cards (title, body, time ago, QR image, action
 *   link), marks (seen when the panel opens, read on open/click, mark all read, archive), infinite
 *   scroll, live updates from GET /v1/inbox/stream.
 * - One stream per browser: the tab holding a Web Lock is the leader; it alone opens the
 *   EventSource and relays every event to the other tabs over a BroadcastChannel. When it closes,
 *   another tab gets the lock and resumes with ?last_event_id= from the last sequence it saw.
 * - Token expiry: dispatches `accolade-inbox-token-expired` (bubbles, composed); the page answers
 *   by setting a new `token` attribute. A 401 is never retried in a loop; other failures back off
 *   1–30 s with jitter.
 * - Strict CSP: the shadow DOM is styled with a constructable stylesheet (adoptedStyleSheets); no
 *   inline script, no <style>, no style attributes, no innerHTML.
 */
(() => {
  'use strict';
  if (typeof customElements === 'undefined' || customElements.get('accolade-inbox')) return;

  // Where the widget was loaded from: the default `server`.
  const SCRIPT_ORIGIN = (() => {
    try { return new URL(document.currentScript.src).origin; } catch (_) { return location.origin; }
  })();
  const PAGE_SIZE = 20;
  const BACKOFF_MIN_MS = 2000;
  const BACKOFF_MAX_MS = 30000;
  const EXPIRED_EVENT = 'accolade-inbox-token-expired';

  const STRINGS = {
    en: {
      bell: 'Notifications', unread: '{n} unread', heading: 'Rewards', markAll: 'Mark all as read',
      archive: 'Archive', archiveItem: 'Archive “{title}”', open: 'Open', close: 'Close', empty: 'No rewards yet.',
      loading: 'Loading…', error: 'Could not load your rewards. Trying again…', expired: 'Your session expired.',
      newReward: 'New reward: {title}', qrAlt: 'QR code for {title}', unreadMark: 'Unread',
    },
    id: {
      bell: 'Notifikasi', unread: '{n} belum dibaca', heading: 'Hadiah', markAll: 'Tandai semua sudah dibaca',
      archive: 'Arsipkan', archiveItem: 'Arsipkan “{title}”', open: 'Buka', close: 'Tutup', empty: 'Belum ada hadiah.',
      loading: 'Memuat…', error: 'Hadiah tidak dapat dimuat. Mencoba lagi…', expired: 'Sesi Anda telah berakhir.',
      newReward: 'Hadiah baru: {title}', qrAlt: 'Kode QR untuk {title}', unreadMark: 'Belum dibaca',
    },
    es: {
      bell: 'Notificaciones', unread: '{n} sin leer', heading: 'Recompensas', markAll: 'Marcar todo como leído',
      archive: 'Archivar', archiveItem: 'Archivar «{title}»', open: 'Abrir', close: 'Cerrar', empty: 'Aún no hay recompensas.',
      loading: 'Cargando…', error: 'No se pudieron cargar tus recompensas. Reintentando…', expired: 'Tu sesión ha caducado.',
      newReward: 'Nueva recompensa: {title}', qrAlt: 'Código QR de {title}', unreadMark: 'Sin leer',
    },
    de: {
      bell: 'Benachrichtigungen', unread: '{n} ungelesen', heading: 'Prämien', markAll: 'Alle als gelesen markieren',
      archive: 'Archivieren', archiveItem: '„{title}“ archivieren', open: 'Öffnen', close: 'Schließen', empty: 'Noch keine Prämien.',
      loading: 'Wird geladen…', error: 'Prämien konnten nicht geladen werden. Neuer Versuch…', expired: 'Ihre Sitzung ist abgelaufen.',
      newReward: 'Neue Prämie: {title}', qrAlt: 'QR-Code für {title}', unreadMark: 'Ungelesen',
    },
  };

  const CSS = `
:host {
  --_accent: var(--accolade-accent, #4f46e5);
  --_bg: var(--accolade-bg, #ffffff);
  --_fg: var(--accolade-fg, #111827);
  --_muted: var(--accolade-muted, #6b7280);
  --_border: var(--accolade-border, #e5e7eb);
  --_unread-bg: var(--accolade-unread-bg, #eef2ff);
  --_badge-bg: var(--accolade-badge-bg, #dc2626);
  --_badge-fg: var(--accolade-badge-fg, #ffffff);
  --_radius: var(--accolade-radius, 12px);
  --_font: var(--accolade-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_width: var(--accolade-panel-width, 380px);
  --_height: var(--accolade-panel-max-height, 70vh);
  --_shadow: var(--accolade-shadow, 0 12px 32px rgba(0, 0, 0, 0.18));
  display: inline-block; position: relative; font-family: var(--_font); color: var(--_fg);
}
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button { font: inherit; color: inherit; cursor: pointer; }
:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.bell { position: relative; display: inline-flex; align-items: center; justify-content: center;
  width: 40px; height: 40px; border: 0; border-radius: 50%; background: transparent; }
.bell:hover { background: color-mix(in srgb, var(--_fg) 8%, transparent); }
.bell svg { width: 24px; height: 24px; fill: none; stroke: currentColor; stroke-width: 2;
  stroke-linecap: round; stroke-linejoin: round; }
.badge { position: absolute; top: 2px; right: 0; min-width: 18px; height: 18px; padding: 0 5px;
  box-sizing: border-box; border-radius: 9px; background: var(--_badge-bg); color: var(--_badge-fg);
  font-size: 11px; font-weight: 700; line-height: 18px; text-align: center; }
.panel { position: absolute; right: 0; top: calc(100% + 8px); z-index: 1000; width: var(--_width);
  max-width: calc(100vw - 16px); max-height: var(--_height); display: flex; flex-direction: column;
  background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border); border-radius: var(--_radius);
  box-shadow: var(--_shadow); overflow: hidden; text-align: start; }
.header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; border-bottom: 1px solid var(--_border); }
.heading { flex: 1; margin: 0; font-size: 16px; font-weight: 650; }
.mark-all { border: 0; background: none; color: var(--_accent); font-size: 13px; padding: 4px 6px; border-radius: 6px; }
.close { border: 0; background: none; font-size: 20px; line-height: 1; padding: 2px 8px; border-radius: 6px; }
.scroll { overflow-y: auto; flex: 1; }
.status { margin: 0; padding: 16px; color: var(--_muted); font-size: 14px; text-align: center; }
.list { list-style: none; margin: 0; padding: 0; }
.card { display: flex; gap: 12px; padding: 12px 14px; border-bottom: 1px solid var(--_border); cursor: pointer; }
.card.unread { background: var(--_unread-bg); }
.card:focus-visible { outline-offset: -2px; }
.dot { flex: none; width: 8px; height: 8px; margin-top: 6px; border-radius: 50%; background: var(--_accent); visibility: hidden; }
.card.unread .dot { visibility: visible; }
.content { flex: 1; min-width: 0; }
.title { margin: 0 0 2px; font-size: 14px; font-weight: 650; overflow-wrap: anywhere; }
.body { margin: 0 0 4px; font-size: 13px; white-space: pre-line; overflow-wrap: anywhere; }
.time { display: block; color: var(--_muted); font-size: 12px; }
.qr { display: block; width: 96px; height: 96px; margin: 8px 0 0; border-radius: 6px; background: #fff; image-rendering: pixelated; }
.actions { display: flex; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.action { display: inline-block; padding: 5px 10px; border-radius: 8px; background: var(--_accent); color: #fff;
  font-size: 13px; text-decoration: none; }
.archive { padding: 5px 10px; border: 1px solid var(--_border); border-radius: 8px; background: var(--_bg); font-size: 13px; }
.sentinel { height: 1px; }
`;

  let sharedSheet = null;
  function stylesheet() {
    if (!sharedSheet) { sharedSheet = new CSSStyleSheet(); sharedSheet.replaceSync(CSS); }
    return sharedSheet;
  }

  function pick(locale) {
    const base = String(locale || '').toLowerCase().split(/[-_]/)[0];
    return STRINGS[base] || STRINGS.en;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (_, key) => (values[key] === undefined ? '' : String(values[key])));
  }

  /** An element from properties and children: text through textContent, never HTML. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'text') el.textContent = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) el.append(child);
    return el;
  }

  function bellIcon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (const d of ['M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9', 'M13.73 21a2 2 0 0 1-3.46 0']) {
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', d);
      svg.append(path);
    }
    return svg;
  }

  /** The token's claims (not verified: the server does that); `null` when it is not a JWT. */
  function claims(token) {
    try {
      let part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      part += '='.repeat((4 - (part.length % 4)) % 4);
      const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (_) {
      return null;
    }
  }

  function parse(data) {
    try { return JSON.parse(data); } catch (_) { return null; }
  }

  function httpURL(text) {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  function timeAgo(iso, locale, now) {
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return '';
    let format;
    try { format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }); } catch (_) { format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' }); }
    const seconds = Math.round((then - now) / 1000);
    const units = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return format.format(0, 'second');
  }

  class AccoladeInbox extends HTMLElement {
    static get observedAttributes() { return ['token', 'server', 'locale']; }

    constructor() {
      super();
      this._shadow = this.attachShadow({ mode: 'open' });
      this._cards = new Map(); // item id → { item, el }
      this._lastSeq = 0; // highest item sequence seen: the resume point
      this._version = null; // `version` of the last counts event
      this._cursor = undefined; // undefined: first page not loaded; null: no more pages
      this._loading = false;
      this._started = false;
      this._leader = false;
      this._es = null;
      this._streamsOpened = 0;
      this._backoff = 0;
      this._expiredToken = null;
      this._streamToken = null; // a newer token another tab passed on while ours expired
      this._build();
    }

    get server() { return (this.getAttribute('server') || SCRIPT_ORIGIN).replace(/\/+$/, ''); }
    get token() { return this.getAttribute('token') || ''; }
    get locale() {
      return this.getAttribute('locale') || document.documentElement.lang || navigator.language || 'en';
    }

    connectedCallback() { this._attached = true; this._start(); }
    disconnectedCallback() { this._attached = false; this._stop(); }

    attributeChangedCallback(name, previous, value) {
      if (previous === value) return;
      if (name === 'locale') { this._applyLocale(); return; }
      // Before connectedCallback (the parser or an upgrade setting the first values) there is
      // nothing to restart.
      if (!this._attached) return;
      if (!this._started) { this._start(); return; }
      if (name === 'server' || (claims(previous) || {}).sub !== (claims(value) || {}).sub) {
        this._stop();
        this._reset();
        this._start();
        return;
      }
      this._tokenChanged();
    }

    // ——— structure ———

    _build() {
      if ('adoptedStyleSheets' in this._shadow) this._shadow.adoptedStyleSheets = [stylesheet()];
      else this._shadow.append(h('style', { text: CSS })); // old browsers; strict CSP pages need the above
      this._badge = h('span', { part: 'badge', class: 'badge', 'aria-hidden': 'true', hidden: true });
      this._bell = h('button', {
        part: 'bell', class: 'bell', type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
        'aria-controls': 'panel', onclick: () => this.toggle(),
      }, bellIcon(), this._badge);
      this._heading = h('h2', { part: 'heading', class: 'heading', id: 'heading', tabindex: '-1' });
      this._markAllButton = h('button', { part: 'mark-all', class: 'mark-all', type: 'button', onclick: () => this.markAllRead() });
      this._closeButton = h('button', { part: 'close', class: 'close', type: 'button', text: '×', onclick: () => this.close() });
      this._status = h('p', { part: 'status', class: 'status', role: 'status' });
      this._list = h('ul', { part: 'list', class: 'list', role: 'list', 'aria-labelledby': 'heading' });
      this._sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
      this._scroll = h('div', { class: 'scroll' }, this._status, this._list, this._sentinel);
      this._panel = h('div', {
        part: 'panel', class: 'panel', id: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'heading', hidden: true,
      }, h('div', { part: 'header', class: 'header' }, this._heading, this._markAllButton, this._closeButton), this._scroll);
      this._live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
      this._shadow.append(this._bell, this._panel, this._live);
      this.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && this._isOpen()) { event.stopPropagation(); this.close(); this._bell.focus(); }
      });
      this._outside = (event) => { if (this._isOpen() && !event.composedPath().includes(this)) this.close(); };
      if (typeof IntersectionObserver === 'function') {
        this._observer = new IntersectionObserver((entries) => {
          if (entries.some((entry) => entry.isIntersecting)) this._loadMore();
        }, { root: this._scroll, rootMargin: '120px' });
        this._observer.observe(this._sentinel);
      }
      this._applyLocale();
    }

    _applyLocale() {
      this._t = pick(this.locale);
      this._heading.textContent = this._t.heading;
      this._markAllButton.textContent = this._t.markAll;
      this._closeButton.setAttribute('aria-label', this._t.close);
      for (const { item, el } of this._cards.values()) this._fillCard(el, item);
      this._setCounts(this._unread || 0, this._unseen || 0);
      this._showStatus();
    }

    _reset() {
      this._cards.clear();
      this._list.replaceChildren();
      this._lastSeq = 0;
      this._version = null;
      this._cursor = undefined;
      this._expiredToken = null;
      this._streamToken = null;
      this._setCounts(0, 0);
    }

    // ——— public API ———

    /** Opens the panel, moves focus into it and marks what it shows as seen. */
    open() {
      if (this._isOpen()) return;
      this._panel.hidden = false;
      this._bell.setAttribute('aria-expanded', 'true');
      document.addEventListener('pointerdown', this._outside, true);
      const first = this._list.querySelector('.card');
      (first || this._heading).focus();
      this._markSeen();
      this._loadMoreIfShort();
    }

    /** Closes the panel (focus stays where it is; Escape returns it to the bell). */
    close() {
      if (!this._isOpen()) return;
      this._panel.hidden = true;
      this._bell.setAttribute('aria-expanded', 'false');
      document.removeEventListener('pointerdown', this._outside, true);
    }

    toggle() { if (this._isOpen()) this.close(); else this.open(); }

    /** Marks every item read. */
    async markAllRead() {
      try {
        const answer = await this._api('POST', '/v1/inbox/items/read-all');
        const now = new Date().toISOString();
        for (const entry of this._cards.values()) {
          if (!entry.item.read_at) { entry.item.read_at = now; entry.item.seen_at = entry.item.seen_at || now; this._fillCard(entry.el, entry.item); }
        }
        this._setCounts(answer.unread_count, answer.unseen_count);
      } catch (_) { /* shown by the next counts event */ }
    }

    _isOpen() { return !this._panel.hidden; }

    // ——— lifecycle: page, leader election, stream ———

    _start() {
      if (this._started || !this.isConnected || !this.token) return;
      this._started = true;
      this._key = 'accolade-inbox|' + this.server + '|' + ((claims(this.token) || {}).sub || '');
      if (typeof BroadcastChannel === 'function') {
        this._channel = new BroadcastChannel(this._key);
        this._channel.onmessage = (event) => this._onRelay(event.data || {});
      }
      this._reloadFirstPage();
      this._ticker = setInterval(() => this._refreshTimes(), 30000);
      this._setLeader(false); // a follower until elected
      this._elect();
    }

    _stop() {
      this._started = false;
      this.close();
      this._closeStream();
      clearTimeout(this._retryTimer);
      clearTimeout(this._marksTimer);
      clearTimeout(this._pageRetry);
      clearInterval(this._ticker);
      clearInterval(this._electTimer);
      clearTimeout(this._claimTimer);
      if (this._goodbye) { this._goodbye(); window.removeEventListener('pagehide', this._goodbye); this._goodbye = null; }
      if (this._releaseLock) { this._releaseLock(); this._releaseLock = null; }
      if (this._lockAbort) { this._lockAbort.abort(); this._lockAbort = null; }
      if (this._channel) { this._channel.close(); this._channel = null; }
      this._setLeader(false);
    }

    /** Web Locks: the tab holding the lock is the leader until it closes (the browser then
     *  releases the lock and grants it to the next tab waiting). Without Web Locks, a
     *  BroadcastChannel heartbeat elects one. */
    _elect() {
      if (navigator.locks && typeof navigator.locks.request === 'function') {
        const abort = new AbortController();
        this._lockAbort = abort;
        navigator.locks.request(this._key, { signal: abort.signal }, () => new Promise((release) => {
          if (!this._started || abort.signal.aborted) { release(); return; }
          this._releaseLock = release;
          this._becomeLeader();
        })).catch(() => { /* aborted: this element stopped while waiting */ });
        return;
      }
      if (!this._channel) { this._becomeLeader(); return; }
      // Fallback: the leader says so every 2 s and answers a newcomer's hello at once; a tab that
      // hears no leader for 5 s (or its goodbye) takes over after a random pause. Two leaders at
      // once (a tie) resolve themselves: the one with the larger id steps down on hearing the other.
      this._tabId = Math.random().toString(36).slice(2) + Date.now().toString(36);
      this._leaderSeen = 0;
      this._post({ type: 'hello' });
      this._claimSoon();
      this._electTimer = setInterval(() => {
        if (this._leader) this._post({ type: 'leader', id: this._tabId });
        else if (Date.now() - this._leaderSeen > 5000) this._claimSoon();
      }, 2000);
      this._goodbye = () => { if (this._leader) this._post({ type: 'bye' }); };
      window.addEventListener('pagehide', this._goodbye);
    }

    _claimSoon() {
      clearTimeout(this._claimTimer);
      this._claimTimer = setTimeout(() => {
        if (this._started && !this._leader && Date.now() - this._leaderSeen > 1000) this._becomeLeader();
      }, 300 + Math.random() * 700);
    }

    async _becomeLeader() {
      this._setLeader(true);
      if (this._tabId) this._post({ type: 'leader', id: this._tabId });
      try { await this._firstPage; } catch (_) { /* the stream still carries live items */ }
      if (this._started && this._leader) this._connect();
    }

    _setLeader(leader) {
      this._leader = leader;
      this.dataset.role = leader ? 'leader' : 'follower';
      if (!leader) this._setStream('relayed');
    }

    _setStream(state) { this.dataset.stream = state; }

    _closeStream() {
      if (this._es) { this._es.close(); this._es = null; }
    }

    /** Opens the one EventSource of this browser (leader only), resuming after `_lastSeq`. */
    _connect() {
      clearTimeout(this._retryTimer);
      this._closeStream();
      const token = this._streamToken || this.token;
      if (!this._started || !this._leader || !token || this._expiredToken === token) return;
      let url = this.server + '/v1/inbox/stream?token=' + encodeURIComponent(token);
      if (this._lastSeq > 0) url += '&last_event_id=' + this._lastSeq;
      const es = new EventSource(url);
      this._es = es;
      this._streamsOpened += 1;
      this.dataset.streamsOpened = String(this._streamsOpened);
      this._setStream('connecting');
      es.onopen = () => { if (es === this._es) { this._backoff = 0; this._setStream('open'); } };
      es.addEventListener('item', (event) => {
        const item = parse(event.data);
        if (!item || es !== this._es) return;
        this._onItem(item, true);
        this._post({ type: 'item', item });
      });
      es.addEventListener('counts', (event) => {
        const counts = parse(event.data);
        if (!counts || es !== this._es) return;
        this._onCounts(counts);
        this._post({ type: 'counts', counts });
      });
      es.addEventListener('token-expired', (event) => {
        if (es !== this._es) return;
        // Close before EventSource reconnects on its own with the expired token (a 401).
        this._closeStream();
        const detail = parse(event.data) || {};
        this._post({ type: 'token-expired', detail });
        this._tokenExpired(token, detail);
      });
      es.onerror = () => {
        if (es !== this._es) return;
        if (es.readyState === EventSource.CLOSED) {
          // A non-200 answer: EventSource gave up. Find out whether the token is the reason.
          this._es = null;
          this._probe(token);
        } else {
          this._setStream('connecting'); // the browser reconnects after `retry:` with Last-Event-ID
        }
      };
    }

    async _probe(token) {
      try {
        const answer = await fetch(this.server + '/v1/inbox/items?limit=1', {
          headers: { Authorization: 'Bearer ' + token }, cache: 'no-store',
        });
        if (answer.status === 401) { this._tokenExpired(token, {}); return; }
      } catch (_) { /* the server is unreachable: back off below */ }
      this._retryLater();
    }

    /** Other failures (503 too many streams, server down): exponential backoff with jitter. */
    _retryLater() {
      if (!this._started || !this._leader) return;
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this._backoff);
      this._backoff = Math.min(this._backoff + 1, 10);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      this._setStream('backoff');
      clearTimeout(this._retryTimer);
      this._retryTimer = setTimeout(() => this._connect(), delay);
    }

    /** The token no longer works: stop using it (no retries) and ask the page for a new one. */
    _tokenExpired(token, detail) {
      if (this._expiredToken === token) return;
      this._expiredToken = token;
      if (this._leader && (this._streamToken || this.token) === token) { this._closeStream(); this._setStream('expired'); }
      if (this._streamToken === token) this._streamToken = null;
      if (token !== this.token) {
        // The stream's token (passed on by another tab) expired, ours may still work.
        if (this._leader) this._connect();
        return;
      }
      this.dataset.token = 'expired';
      this.dispatchEvent(new CustomEvent(EXPIRED_EVENT, {
        bubbles: true, composed: true, detail: { expires_at: (detail && detail.expires_at) || null },
      }));
    }

    _tokenChanged() {
      this._expiredToken = null;
      this._streamToken = null;
      this.dataset.token = 'ok';
      if (this._cursor === undefined && !this._loading) this._reloadFirstPage();
      if (this._leader) this._connect(); // resumes with ?last_event_id=
      else this._post({ type: 'token', token: this.token });
    }

    // ——— relay between tabs ———

    _post(message) {
      if (this._channel) { try { this._channel.postMessage(message); } catch (_) { /* closed */ } }
    }

    _onRelay(message) {
      switch (message.type) {
        case 'item': if (message.item) this._onItem(message.item, true); break;
        case 'counts': if (message.counts) this._onCounts(message.counts); break;
        case 'token-expired': {
          const exp = (claims(this.token) || {}).exp;
          if (!exp || exp * 1000 <= Date.now() + 2000) this._tokenExpired(this.token, message.detail);
          else this._post({ type: 'token', token: this.token }); // ours still works: the leader may use it
          break;
        }
        case 'token':
          // A leader whose own page has not renewed its token yet streams with another tab's.
          if (this._leader && this._expiredToken && !this._es && message.token
              && (claims(message.token) || {}).sub === (claims(this.token) || {}).sub) {
            this._streamToken = message.token;
            this._connect();
          }
          break;
        case 'hello':
          if (this._leader && this._tabId) this._post({ type: 'leader', id: this._tabId });
          break;
        case 'leader':
          this._leaderSeen = Date.now();
          if (this._leader && this._tabId && message.id < this._tabId) { this._closeStream(); clearTimeout(this._retryTimer); this._setLeader(false); }
          break;
        case 'bye':
          if (!this._leader && this._tabId) { this._leaderSeen = 0; this._claimSoon(); }
          break;
        default: break;
      }
    }

    // ——— feed ———

    async _api(method, path) {
      const token = this.token;
      const answer = await fetch(this.server + path, {
        method, headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' }, cache: 'no-store',
      });
      if (answer.status === 401) { this._tokenExpired(token, {}); throw new Error('401'); }
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      return answer.json();
    }

    _reloadFirstPage() {
      this._firstPage = this._loadFirstPage();
      this._firstPage.catch(() => { /* shown in the panel; retried or waiting for a token */ });
    }

    async _loadFirstPage() {
      this._loading = true;
      this._failed = false;
      this._showStatus();
      try {
        const page = await this._api('GET', '/v1/inbox/items?limit=' + PAGE_SIZE);
        for (const item of page.items) this._onItem(item, false);
        this._cursor = page.next_cursor;
        this._setCounts(page.unread_count, page.unseen_count);
      } catch (error) {
        this._failed = true;
        if (String(error.message) !== '401') {
          clearTimeout(this._pageRetry);
          this._pageRetry = setTimeout(() => { if (this._started && this._cursor === undefined) this._reloadFirstPage(); }, 3000 + Math.random() * 3000);
        }
        throw error;
      } finally {
        this._loading = false;
        this._showStatus();
      }
    }

    async _loadMore() {
      if (this._loading || !this._cursor || !this._isOpen()) return;
      this._loading = true;
      try {
        const page = await this._api('GET', '/v1/inbox/items?limit=' + PAGE_SIZE + '&cursor=' + encodeURIComponent(this._cursor));
        for (const item of page.items) this._onItem(item, false);
        this._cursor = page.next_cursor;
        if (this._isOpen()) this._markSeen();
      } catch (_) { /* the sentinel asks again when it is next in view */ } finally {
        this._loading = false;
      }
      this._loadMoreIfShort();
    }

    /** When the first pages do not fill the panel the sentinel stays in view and no new
     *  intersection fires: ask once more. */
    _loadMoreIfShort() {
      if (!this._cursor || !this._isOpen()) return;
      requestAnimationFrame(() => {
        if (this._scroll.scrollHeight <= this._scroll.clientHeight + 120) this._loadMore();
      });
    }

    _onItem(item, live) {
      if (typeof item.sequence === 'number' && item.sequence > this._lastSeq) this._lastSeq = item.sequence;
      this.dataset.lastSequence = String(this._lastSeq);
      const known = this._cards.get(item.id);
      if (item.archived_at) { if (known) this._removeCard(item.id); return; }
      if (known) { known.item = item; this._fillCard(known.el, item); return; }
      const el = h('li', {
        part: 'card', class: 'card', role: 'listitem', tabindex: '0', 'data-id': item.id, 'data-sequence': item.sequence,
        'data-message-id': item.message_id,
      });
      el.addEventListener('click', (event) => {
        if (event.target.closest && event.target.closest('.archive')) return;
        this._markRead(item.id);
      });
      el.addEventListener('keydown', (event) => {
        if (event.target !== el || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault();
        this._markRead(item.id);
        const link = el.querySelector('.action');
        if (link && event.key === 'Enter') link.click();
      });
      this._cards.set(item.id, { item, el });
      this._fillCard(el, item);
      let before = null;
      for (const other of this._list.children) {
        if (Number(other.dataset.sequence) < item.sequence) { before = other; break; }
      }
      this._list.insertBefore(el, before);
      this._showStatus();
      if (live) {
        this._announce(fill(this._t.newReward, { title: item.title }));
        if (this._isOpen() && !item.seen_at) this._mark(item.id, 'seen');
      }
    }

    _fillCard(el, item) {
      const t = this._t;
      el.classList.toggle('unread', !item.read_at);
      el.setAttribute('aria-labelledby', 'title-' + item.id);
      const children = [h('span', { part: 'unread-dot', class: 'dot', 'aria-hidden': 'true' })];
      const content = h('div', { class: 'content' });
      if (!item.read_at) content.append(h('span', { class: 'sr-only', text: t.unreadMark + ': ' }));
      content.append(h('p', { part: 'title', class: 'title', id: 'title-' + item.id, text: item.title }));
      if (item.body) content.append(h('p', { part: 'body', class: 'body', text: item.body }));
      content.append(h('time', {
        part: 'time', class: 'time', datetime: item.created_at, title: new Date(item.created_at).toLocaleString(this.locale),
        text: timeAgo(item.created_at, this.locale, Date.now()),
      }));
      const image = item.image_url && httpURL(item.image_url);
      if (image) {
        content.append(h('img', {
          part: 'image', class: 'qr', src: image, alt: fill(t.qrAlt, { title: item.title }), width: '96', height: '96', loading: 'lazy',
        }));
      }
      const actions = h('div', { part: 'actions', class: 'actions' });
      const url = item.url && httpURL(item.url);
      if (url) {
        actions.append(h('a', {
          part: 'action', class: 'action', href: url, target: '_blank', rel: 'noopener noreferrer', text: t.open,
          onclick: () => this._markRead(item.id),
        }));
      }
      actions.append(h('button', {
        part: 'archive', class: 'archive', type: 'button', 'aria-label': fill(t.archiveItem, { title: item.title }), text: t.archive,
        onclick: (event) => { event.stopPropagation(); this._archive(item.id); },
      }));
      content.append(actions);
      children.push(content);
      el.replaceChildren(...children);
    }

    _removeCard(id) {
      const entry = this._cards.get(id);
      if (!entry) return;
      const hadFocus = this._shadow.activeElement && entry.el.contains(this._shadow.activeElement);
      const next = entry.el.nextElementSibling || entry.el.previousElementSibling;
      entry.el.remove();
      this._cards.delete(id);
      if (hadFocus) (next || this._heading).focus();
      this._showStatus();
    }

    _refreshTimes() {
      const now = Date.now();
      for (const { item, el } of this._cards.values()) {
        const time = el.querySelector('.time');
        if (time) time.textContent = timeAgo(item.created_at, this.locale, now);
      }
    }

    _showStatus() {
      if (!this._t) return;
      let text = '';
      if (this._expiredToken && this._expiredToken === this.token) text = this._t.expired;
      else if (this._cards.size === 0 && this._loading) text = this._t.loading;
      else if (this._cards.size === 0 && this._failed) text = this._t.error;
      else if (this._cards.size === 0 && this._cursor !== undefined) text = this._t.empty;
      this._status.textContent = text;
      this._status.hidden = text === '';
    }

    _announce(text) {
      // Cleared first so the same words twice are announced twice.
      this._live.textContent = '';
      setTimeout(() => { this._live.textContent = text; }, 50);
    }

    // ——— counts and marks ———

    _setCounts(unread, unseen) {
      if (typeof unread !== 'number') return;
      this._unread = unread;
      this._unseen = typeof unseen === 'number' ? unseen : this._unseen;
      if (this.isConnected) this.dataset.unread = String(unread);
      this._badge.textContent = unread > 99 ? '99+' : String(unread);
      this._badge.hidden = unread === 0;
      const label = unread > 0 ? this._t.bell + ', ' + fill(this._t.unread, { n: unread }) : this._t.bell;
      this._bell.setAttribute('aria-label', label);
    }

    _onCounts(counts) {
      this._setCounts(counts.unread_count, counts.unseen_count);
      const versionChanged = this._version !== null && counts.version !== this._version;
      this._version = counts.version;
      // A mark made elsewhere (another tab or node), or items this tab has not got yet: re-read
      // what is shown.
      const behind = typeof counts.last_sequence === 'number' && counts.last_sequence > this._lastSeq;
      if (versionChanged || behind) this._refreshShown(behind ? counts.last_sequence : 0);
    }

    /** Re-reads the shown items' marks and any newer items up to sequence `upTo`, debounced. */
    _refreshShown(upTo) {
      clearTimeout(this._marksTimer);
      this._refreshUpTo = Math.max(this._refreshUpTo || 0, upTo || 0);
      this._marksTimer = setTimeout(async () => {
        if (this._cursor === undefined) return;
        const target = this._refreshUpTo;
        this._refreshUpTo = 0;
        const wanted = this._cards.size + Math.max(0, target - this._lastSeq);
        const limit = Math.max(1, Math.min(100, wanted));
        try {
          const page = await this._api('GET', '/v1/inbox/items?limit=' + limit);
          const before = this._lastSeq;
          const seen = new Set(page.items.map((item) => item.id));
          const oldest = page.items.length ? page.items[page.items.length - 1].sequence : Infinity;
          for (const item of page.items) this._onItem(item, !this._cards.has(item.id) && item.sequence > this._lastSeq);
          for (const { item } of [...this._cards.values()]) {
            if (!seen.has(item.id) && item.sequence >= oldest) this._removeCard(item.id); // archived elsewhere
          }
          this._setCounts(page.unread_count, page.unseen_count);
          // Every item up to `target` that is not on the page was archived before this tab saw
          // it: skip past it, or each counts event would find this tab "behind" again.
          // Only when the page reaches below the gap (or is the whole feed), so nothing is skipped.
          if (target > this._lastSeq && (page.items.length < limit || oldest <= before)) {
            this._lastSeq = target;
            this.dataset.lastSequence = String(target);
          }
        } catch (_) { /* the next counts event tries again */ }
      }, 150);
    }

    _markSeen() {
      if (!this._unseen) return;
      const now = new Date().toISOString();
      this._api('POST', '/v1/inbox/items/seen-all').then((answer) => {
        for (const entry of this._cards.values()) if (!entry.item.seen_at) entry.item.seen_at = now;
        this._setCounts(answer.unread_count, answer.unseen_count);
      }).catch(() => {});
    }

    _markRead(id) {
      const entry = this._cards.get(id);
      if (!entry || entry.item.read_at) return;
      entry.item.read_at = new Date().toISOString(); // at once; the answer corrects it
      this._fillCard(entry.el, entry.item);
      this._mark(id, 'read');
    }

    _archive(id) {
      this._removeCard(id);
      this._mark(id, 'archive');
    }

    async _mark(id, mark) {
      try {
        const answer = await this._api('POST', '/v1/inbox/items/' + encodeURIComponent(id) + '/' + mark);
        const entry = this._cards.get(id);
        if (entry && answer.item && mark !== 'archive') { entry.item = answer.item; this._fillCard(entry.el, answer.item); }
        this._setCounts(answer.unread_count, answer.unseen_count);
      } catch (_) {
        this._refreshShown();
      }
    }
  }

  customElements.define('accolade-inbox', AccoladeInbox);
})();
