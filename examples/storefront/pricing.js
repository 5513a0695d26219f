// What an order costs: shipping options, the one coupon, VAT, and the amounts the events carry.
//
// All arithmetic is in integer cents, so 3 × 19.90 is 59.70 and never 59.699999. Catalog prices
// include 19 % VAT, as an EU shop shows them; the shopper sees gross amounts and "incl. VAT".
// The analytics amounts split the same total into net parts so that, exactly,
//   subtotal = revenue − discount   and   total = subtotal + shipping + tax,
// which is how Segment's e-commerce spec relates them (revenue and subtotal exclude shipping and
// tax; subtotal is after discounts; total is what the shopper pays).

export const VAT_PERCENT = 19;

export const shippingOptions = [
  { id: "standard", label: "Standard", detail: "2–4 working days", priceCents: 490, freeFromCents: 7500 },
  { id: "express", label: "Express", detail: "Next working day", priceCents: 990 },
];

const coupons = [{ id: "WELCOME10", name: "10% off your first order", percentOff: 10 }];

export function toCents(euros) {
  return Math.round(euros * 100);
}

export function toEuros(cents) {
  return cents / 100;
}

/** The coupon a shopper typed (any case, surrounding spaces ignored), or undefined. */
export function findCoupon(code) {
  const wanted = String(code || "").trim().toUpperCase();
  return coupons.find((coupon) => coupon.id === wanted);
}

export function findShippingOption(id) {
  return shippingOptions.find((option) => option.id === id) || shippingOptions[0];
}

/** The shipping charge for an option, given the merchandise amount after discount. */
export function shippingCents(option, merchandiseCents) {
  if (merchandiseCents <= 0) return 0;
  if (option.freeFromCents !== undefined && merchandiseCents >= option.freeFromCents) return 0;
  return option.priceCents;
}

const netOf = (grossCents) => Math.round((grossCents * 100) / (100 + VAT_PERCENT));
const vatIn = (grossCents) => Math.round((grossCents * VAT_PERCENT) / (100 + VAT_PERCENT));

/**
 * Prices an order. `lines` are `{ price, quantity }` with `price` in euros; `couponId` and
 * `shippingId` may be undefined (no coupon; the cheapest shipping).
 *
 * `display` holds the gross amounts in cents the shopper sees; `analytics` holds the amounts in
 * euros that Checkout Started and Order Completed carry.
 */
export function priceOrder({ lines, couponId, shippingId }) {
  const itemsCents = lines.reduce((sum, line) => sum + toCents(line.price) * line.quantity, 0);
  const coupon = couponId ? findCoupon(couponId) : undefined;
  const discountCents = coupon ? Math.round((itemsCents * coupon.percentOff) / 100) : 0;
  const merchandiseCents = itemsCents - discountCents;
  const option = findShippingOption(shippingId);
  const shipping = shippingCents(option, merchandiseCents);
  const totalCents = merchandiseCents + shipping;
  const taxCents = vatIn(totalCents);

  const revenueCents = netOf(itemsCents);
  const subtotalCents = netOf(merchandiseCents);
  return {
    coupon,
    shippingOption: option,
    display: { itemsCents, discountCents, shippingCents: shipping, totalCents, taxCents },
    analytics: {
      revenue: toEuros(revenueCents),
      subtotal: toEuros(subtotalCents),
      discount: toEuros(revenueCents - subtotalCents),
      shipping: toEuros(totalCents - taxCents - subtotalCents),
      tax: toEuros(taxCents),
      total: toEuros(totalCents),
    },
  };
}

const euroFormat = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

/** "€1,234.50" */
export function formatCents(cents) {
  return euroFormat.format(toEuros(cents));
}
