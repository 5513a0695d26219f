// The one place where shop actions become Omni calls.
//
// Event and property names follow Segment's e-commerce spec v2. Prices are numbers in euros
// (49.9, never "49.90"). Page views are not sent here: the Omni SDK records one on load and on
// every history.pushState / popstate by itself.
//
// The shop never waits for analytics and never fails because of it: calls go to window.omni
// whether or not the SDK has loaded (its snippet queues them), a rejected call is logged, and a
// page without the snippet simply sends nothing.

import { CURRENCY, findCategory, productImageUrl, variantSku } from "./catalog.js";
import { customerIdForEmail } from "./ids.js";

let warnedMissing = false;

function call(method, ...args) {
  const omni = window.omni;
  if (!omni || typeof omni[method] !== "function") {
    if (!warnedMissing) console.info("omni is not on this page; analytics calls are skipped");
    warnedMissing = true;
    return;
  }
  try {
    const result = omni[method](...args);
    if (result && typeof result.catch === "function") {
      result.catch((error) => console.warn(`omni.${method} was rejected:`, error));
    }
  } catch (error) {
    console.warn(`omni.${method} threw:`, error);
  }
}

const track = (event, properties) => call("track", event, properties);

/**
 * `productUrl(productId)` gives a product page's absolute URL (the shop knows its base path).
 * Lines are `{ product, variant, quantity }` with catalog objects.
 */
export function createAnalytics({ productUrl }) {
  const categoryName = (product) => findCategory(product.category)?.name ?? product.category;

  // The fields shared by every description of a product.
  const productFields = (product) => ({
    product_id: product.id,
    sku: product.sku,
    name: product.name,
    brand: product.brand,
    category: categoryName(product),
    price: product.price,
    url: productUrl(product.id),
  });

  // The properties of Product Added / Product Removed: one variant of a product, by quantity.
  const cartChange = (cartId, product, variant, quantity) => ({
    cart_id: cartId,
    ...productFields(product),
    sku: variantSku(product, variant),
    variant: variant.label,
    quantity,
    image_url: productImageUrl(product),
  });

  // A cart line. No image_url here: the demo's images are data: URLs of about a kilobyte, and a
  // large cart would carry one per line in every cart event.
  const lineFields = ({ product, variant, quantity }, index) => ({
    ...productFields(product),
    sku: variantSku(product, variant),
    variant: variant.label,
    quantity,
    position: index + 1,
  });

  const orderAmounts = (pricing) => ({
    revenue: pricing.analytics.revenue,
    shipping: pricing.analytics.shipping,
    tax: pricing.analytics.tax,
    discount: pricing.analytics.discount,
    ...(pricing.coupon ? { coupon: pricing.coupon.id } : {}),
    currency: CURRENCY,
  });

  return {
    /** A list of products was shown: the home page's featured list or a category. */
    productListViewed(listId, category, products) {
      track("Product List Viewed", {
        list_id: listId,
        ...(category ? { category } : {}),
        products: products.map((product, index) => ({
          ...productFields(product),
          position: index + 1,
          image_url: productImageUrl(product),
        })),
      });
    },

    productViewed(product) {
      track("Product Viewed", {
        ...productFields(product),
        currency: CURRENCY,
        image_url: productImageUrl(product),
      });
    },

    /** `quantity` is how many were added by this action, not the line's new total. */
    productAdded(cartId, product, variant, quantity) {
      track("Product Added", cartChange(cartId, product, variant, quantity));
    },

    /** `quantity` is how many were removed by this action. */
    productRemoved(cartId, product, variant, quantity) {
      track("Product Removed", cartChange(cartId, product, variant, quantity));
    },

    cartViewed(cartId, lines) {
      track("Cart Viewed", { cart_id: cartId, products: lines.map(lineFields) });
    },

    couponApplied(cartId, coupon, pricing) {
      track("Coupon Applied", {
        cart_id: cartId,
        coupon_id: coupon.id,
        coupon_name: coupon.name,
        discount: pricing.analytics.discount,
      });
    },

    couponDenied(cartId, code, reason) {
      track("Coupon Denied", { cart_id: cartId, coupon_id: code, reason });
    },

    couponRemoved(cartId, coupon, pricing) {
      track("Coupon Removed", {
        cart_id: cartId,
        coupon_id: coupon.id,
        coupon_name: coupon.name,
        discount: pricing.analytics.discount,
      });
    },

    /** The checkout page was shown. `value` is what the order would cost with default shipping. */
    checkoutStarted({ orderId, lines, pricing }) {
      track("Checkout Started", {
        order_id: orderId,
        value: pricing.analytics.total,
        ...orderAmounts(pricing),
        products: lines.map(lineFields),
      });
    },

    /**
     * The shopper placed an order: first who they are, then what they bought, so the order event
     * already carries the customer's id. Returns the customer id.
     */
    orderCompleted({ checkoutId, orderId, lines, pricing, email, name }) {
      const customerId = customerIdForEmail(email);
      call("identify", customerId, { email: email.trim(), name: name.trim() });
      track("Order Completed", {
        checkout_id: checkoutId,
        order_id: orderId,
        total: pricing.analytics.total,
        subtotal: pricing.analytics.subtotal,
        ...orderAmounts(pricing),
        products: lines.map(lineFields),
      });
      return customerId;
    },
  };
}
