// Every identifier the shop makes: carts, checkouts, orders and customers.

/** A random UUID (version 4). crypto.randomUUID needs a secure context; getRandomValues does not. */
export function randomUuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// No 0/O or 1/I, so an order number read out over the phone is not misheard.
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** An order number such as "OM-7K2Q9X4D". */
export function newOrderId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return "OM-" + Array.from(bytes, (b) => codeAlphabet[b % codeAlphabet.length]).join("");
}

/**
 * A stable customer id for an email address: "cust_" and a 64-bit FNV-1a hash of the trimmed,
 * lower-cased address. The same address gives the same id on every device, and the address itself
 * never becomes an id. A real shop uses its customer database's id here; a hash of an email is a
 * pseudonym, not an anonymous value. FNV rather than SubtleCrypto because SubtleCrypto only exists
 * in secure contexts, and a webview pointed at a development machine over http is not one.
 */
export function customerIdForEmail(email) {
  const mask = 0xffffffffffffffffn;
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(email.trim().toLowerCase())) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & mask;
  }
  return "cust_" + hash.toString(16).padStart(16, "0");
}
