// What a shopper's path through the demo storefront must leave at the collector, checked the
// same way for every browser engine (storefront.test.mjs in Chromium, webkit.test.mjs).
import assert from 'node:assert/strict';

// "page /p/*" for a page view of any product, the event name for a track, else the type.
export const label = (e) => (e.type === 'page' ? 'page ' + e.properties.path.replace(/^(\/(?:c|p|order)\/)[^/]+$/, '$1*')
  : e.type === 'track' ? e.event : e.type);

export function checkPath(events, orderId) {
  assert.deepEqual(events.map(label), [
    'page /', 'Product List Viewed',
    'page /c/*', 'Product List Viewed',
    'page /p/*', 'Product Viewed', 'Product Added',
    'page /cart', 'Cart Viewed',
    'page /checkout', 'Checkout Started',
    'identify', 'Order Completed',
    'page /order/*',
  ]);
  const find = (name) => events.find((e) => e.event === name);
  const added = find('Product Added');
  const viewed = find('Product Viewed');
  assert.equal(added.properties.product_id, viewed.properties.product_id);
  assert.equal(typeof added.properties.price, 'number');
  assert.equal(find('Cart Viewed').properties.cart_id, added.properties.cart_id);
  const started = find('Checkout Started');
  const completed = find('Order Completed');
  assert.equal(completed.properties.order_id, orderId);
  assert.equal(started.properties.order_id, orderId);
  assert.equal(completed.properties.products.length, 1);
  assert.equal(completed.properties.currency, 'EUR');
  const identify = events.find((e) => e.type === 'identify');
  assert.match(identify.userId, /^cust_/);
  assert.equal(identify.traits.email, 'ada@example.com');
  assert.equal(completed.userId, identify.userId, 'the order belongs to the identified customer');
  // Every event was stamped by the browser, in order.
  const times = events.map((e) => Date.parse(e.originalTimestamp || e.timestamp));
  assert.deepEqual([...times].sort((a, b) => a - b), times);
}
