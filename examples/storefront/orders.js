// Checkouts and placed orders.
//
// A checkout gets its checkout_id and order_id when it starts and keeps them, for the same cart,
// until the order is placed: reloading /checkout or going back to the cart and returning does not
// invent a new order. Placed orders are kept on this device only so the confirmation page can be
// reloaded; the most recent few are kept, the oldest dropped.

import { newOrderId, randomUuid } from "./ids.js";
import { readJson, removeKey, writeJson } from "./store.js";

const CHECKOUT_KEY = "omni-demo:checkout";
const ORDERS_KEY = "omni-demo:orders";
const ORDERS_KEPT = 10;

/** The open checkout for this cart: `{ cartId, checkoutId, orderId }`, created when missing. */
export function checkoutFor(cartId) {
  const open = readJson(CHECKOUT_KEY, undefined);
  if (open && open.cartId === cartId && open.checkoutId && open.orderId) return open;
  const checkout = { cartId, checkoutId: randomUuid(), orderId: newOrderId() };
  writeJson(CHECKOUT_KEY, checkout);
  return checkout;
}

/** Records a placed order and closes its checkout. */
export function saveOrder(order) {
  const orders = readJson(ORDERS_KEY, []).filter((kept) => kept && kept.orderId !== order.orderId);
  orders.push(order);
  writeJson(ORDERS_KEY, orders.slice(-ORDERS_KEPT));
  removeKey(CHECKOUT_KEY);
}

export function findOrder(orderId) {
  const orders = readJson(ORDERS_KEY, []);
  return Array.isArray(orders) ? orders.find((order) => order && order.orderId === orderId) : undefined;
}
