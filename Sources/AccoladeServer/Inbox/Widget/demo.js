/*
 * The inbox demo page's script (GET /v1/inbox/demo.js): a separate file, so the page's
 * Content-Security-Policy needs no 'unsafe-inline'. It shows what a host page does when the
 * widget says its token expired: ask the backend for a new one and set the `token` attribute.
 */
(() => {
  'use strict';
  const inbox = document.getElementById('inbox');
  const notice = document.getElementById('token-notice');
  const form = document.getElementById('token-form');
  const field = document.getElementById('token-field');
  if (!inbox || !notice || !form || !field) return;

  let expiries = 0;
  inbox.addEventListener('accolade-inbox-token-expired', (event) => {
    expiries += 1;
    document.body.dataset.tokenExpired = String(expiries);
    const at = event.detail && event.detail.expires_at;
    notice.textContent = 'The inbox token expired' + (at ? ' at ' + at : '') +
      '. A real page asks its backend for a new one (POST /v1/inbox/tokens); paste one here:';
    form.hidden = false;
    field.focus();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = field.value.trim();
    if (!token) return;
    inbox.setAttribute('token', token);
    field.value = '';
    form.hidden = true;
    notice.textContent = 'New token set; the inbox carries on without a reload.';
  });
})();
