// The shopping cart: lines of (product, variant, quantity), an optional coupon and a stable id.
//
// The cart lives in localStorage, so it survives reloads and is shared by the shop's tabs. Its id
// (the cart_id of every cart event) is made once, when the cart is first used, and kept until an
// order empties the cart; the next cart gets a new id. Quantities are whole numbers from 1 to
// MAX_QUANTITY; a line whose quantity would drop to 0 is removed.

import { randomUuid } from "./ids.js";
import { readJson, writeJson } from "./store.js";

export const MAX_QUANTITY = 10;
const KEY = "omni-demo:cart";
const listeners = new Set();

function isLine(line) {
  return (
    line !== null &&
    typeof line === "object" &&
    typeof line.productId === "string" &&
    typeof line.variantId === "string" &&
    Number.isInteger(line.quantity) &&
    line.quantity >= 1
  );
}

function emptyCart() {
  return { id: randomUuid(), lines: [], couponId: undefined };
}

/** The current cart; creates (and stores) an empty one with a fresh id when there is none. */
export function getCart() {
  const stored = readJson(KEY, undefined);
  if (stored && typeof stored.id === "string" && Array.isArray(stored.lines)) {
    return {
      id: stored.id,
      lines: stored.lines.filter(isLine),
      couponId: typeof stored.couponId === "string" ? stored.couponId : undefined,
    };
  }
  const cart = emptyCart();
  writeJson(KEY, cart);
  return cart;
}

function save(cart) {
  writeJson(KEY, cart);
  for (const listener of listeners) listener(cart, { external: false });
  return cart;
}

export function clampQuantity(value) {
  const n = Math.floor(Number(value));
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_QUANTITY, Math.max(0, n));
}

const sameLine = (productId, variantId) => (line) =>
  line.productId === productId && line.variantId === variantId;

/**
 * Adds `quantity` of a variant (merging with an existing line). Returns how many were actually
 * added, which is less than asked when the line reaches MAX_QUANTITY, and 0 when it is full.
 */
export function addItem(productId, variantId, quantity) {
  const cart = getCart();
  const line = cart.lines.find(sameLine(productId, variantId));
  const before = line ? line.quantity : 0;
  const after = Math.min(MAX_QUANTITY, before + clampQuantity(quantity));
  if (after === before) return 0;
  if (line) line.quantity = after;
  else cart.lines.push({ productId, variantId, quantity: after });
  save(cart);
  return after - before;
}

/** Sets a line's quantity (0 removes it). Returns the change: positive added, negative removed. */
export function setQuantity(productId, variantId, quantity) {
  const cart = getCart();
  const line = cart.lines.find(sameLine(productId, variantId));
  if (!line) return 0;
  const after = clampQuantity(quantity);
  const change = after - line.quantity;
  if (change === 0) return 0;
  if (after === 0) cart.lines = cart.lines.filter((other) => other !== line);
  else line.quantity = after;
  save(cart);
  return change;
}

/** Removes a line. Returns the quantity it had (0 when there was no such line). */
export function removeItem(productId, variantId) {
  const cart = getCart();
  const line = cart.lines.find(sameLine(productId, variantId));
  if (!line) return 0;
  cart.lines = cart.lines.filter((other) => other !== line);
  save(cart);
  return line.quantity;
}

/** Sets or (with undefined) clears the cart's coupon. Validation is the caller's. */
export function setCoupon(couponId) {
  const cart = getCart();
  cart.couponId = couponId;
  save(cart);
}

/** Replaces the cart by an empty one with a new id, after an order was placed. */
export function startNewCart() {
  return save(emptyCart());
}

export function itemCount(cart) {
  return cart.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/**
 * Calls `listener(cart, { external })` after every change: made in this tab (`external` false) or,
 * through the storage event, in another tab of the shop (`external` true). Returns a function
 * that stops the calls.
 */
export function onCartChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

window.addEventListener("storage", (event) => {
  if (event.key !== KEY) return;
  const cart = getCart();
  for (const listener of listeners) listener(cart, { external: true });
});
