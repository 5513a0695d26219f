// Reading the anonymous id cookie (web/src/cookie.js): the value rules, and the asynchronous read
// that begins in the snippet, with its fallbacks to document.cookie. The documents here are
// plain objects with a `cookie` string: the logic under test is the choice between sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymousIdFromCookieValue, readAnonymousIdCookie, readAnonymousIdCookieAsync } from '../../web/src/cookie.js';

const doc = (cookie) => ({ cookie });

test('a cookie value is an id only when it decodes and fits', () => {
  assert.equal(anonymousIdFromCookieValue('a%20b'), 'a b');
  assert.equal(anonymousIdFromCookieValue(''), '');
  assert.equal(anonymousIdFromCookieValue('%E0%A4%A'), '', 'broken percent-encoding is not an id');
  assert.equal(anonymousIdFromCookieValue('x'.repeat(257)), '');
  assert.equal(readAnonymousIdCookie(doc('a=1; omni_aid=id%3D1; b=2')), 'id=1');
  assert.equal(readAnonymousIdCookie(doc('omni_aid_other=1')), '');
});

test('the read the snippet began wins, and the page cookie is not read', async () => {
  const noCookieRead = { get cookie() { throw new Error('document.cookie was read'); } };
  assert.equal(await readAnonymousIdCookieAsync(Promise.resolve('from%20snippet'), noCookieRead), 'from snippet');
  assert.equal(await readAnonymousIdCookieAsync(Promise.resolve(''), noCookieRead), '', 'no cookie is an answer');
});

test('a failed asynchronous read falls back to document.cookie', async () => {
  const page = doc('omni_aid=from-document');
  // The snippet swallows a Cookie Store failure into undefined.
  assert.equal(await readAnonymousIdCookieAsync(Promise.resolve(undefined), page), 'from-document');
  assert.equal(await readAnonymousIdCookieAsync(Promise.reject(new Error('denied')), page), 'from-document');
});

test('without the snippet it asks the Cookie Store, else document.cookie', async (t) => {
  const page = doc('omni_aid=from-document');
  assert.equal(await readAnonymousIdCookieAsync(undefined, page), 'from-document', 'no Cookie Store here');
  globalThis.cookieStore = { get: async (name) => (name === 'omni_aid' ? { name, value: 'from-store' } : null) };
  t.after(() => { delete globalThis.cookieStore; });
  assert.equal(await readAnonymousIdCookieAsync(undefined, page), 'from-store');
  globalThis.cookieStore = { get: async () => { throw new DOMException('opaque origin', 'SecurityError'); } };
  assert.equal(await readAnonymousIdCookieAsync(undefined, page), 'from-document');
});
