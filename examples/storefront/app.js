// The shop: a router over the History API and one render function per view.
//
// Routes (all below the base path, see shopBase):
//   /                 home        featured products and categories
//   /c/<category>     category    the category's products
//   /p/<productId>    product     variant, quantity, Add to cart
//   /cart             cart        change quantities, remove lines, coupon
//   /checkout         checkout    contact, address, shipping; Place order
//   /order/<orderId>  order       confirmation
// Internal links are intercepted and followed with history.pushState; Back and Forward re-render
// from popstate. After a view is drawn, document.body.dataset.view names it, so tests can wait
// for it. Every analytics call goes through analytics.js.

import {
  categories,
  featuredProducts,
  findCategory,
  findProduct,
  findVariant,
  productArt,
  productsIn,
} from "./catalog.js";
import {
  MAX_QUANTITY,
  addItem,
  clampQuantity,
  getCart,
  itemCount,
  onCartChange,
  removeItem,
  setCoupon,
  setQuantity,
  startNewCart,
} from "./cart.js";
import { checkoutFor, findOrder, saveOrder } from "./orders.js";
import { findCoupon, findShippingOption, formatCents, priceOrder, shippingOptions } from "./pricing.js";
import { createAnalytics } from "./analytics.js";

const SHOP_NAME = "Field & Hearth";

// --- Paths -------------------------------------------------------------------------------------

/**
 * The path the shop is mounted below: "" at the site root, "/webview" in the webview example.
 * Read from <meta name="shop-base" content="/webview">; a trailing slash is dropped.
 */
function shopBase() {
  const meta = document.querySelector('meta[name="shop-base"]');
  const value = (meta?.getAttribute("content") || "").trim().replace(/\/+$/, "");
  return value === "" || value.startsWith("/") ? value : `/${value}`;
}

const base = shopBase();
const enc = encodeURIComponent;

const paths = {
  home: () => `${base}/`,
  category: (id) => `${base}/c/${enc(id)}`,
  product: (id) => `${base}/p/${enc(id)}`,
  cart: () => `${base}/cart`,
  checkout: () => `${base}/checkout`,
  order: (id) => `${base}/order/${enc(id)}`,
};

/** The shop path inside `pathname` ("/p/x"), or undefined when it lies outside the base. */
function shopPath(pathname) {
  if (!base) return pathname;
  if (pathname === base) return "/";
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : undefined;
}

function matchRoute(pathname) {
  const path = shopPath(pathname);
  if (path === undefined) return { view: "notfound" };
  const trimmed = path.replace(/\/+$/, "") || "/";
  const param = (prefix) => {
    if (!trimmed.startsWith(prefix)) return undefined;
    const rest = trimmed.slice(prefix.length);
    if (rest === "" || rest.includes("/")) return undefined;
    try {
      return decodeURIComponent(rest);
    } catch {
      return undefined; // a malformed escape is simply not a route
    }
  };
  if (trimmed === "/" || trimmed === "/index.html") return { view: "home" };
  if (trimmed === "/cart") return { view: "cart" };
  if (trimmed === "/checkout") return { view: "checkout" };
  let id;
  if ((id = param("/c/")) !== undefined) return { view: "category", id };
  if ((id = param("/p/")) !== undefined) return { view: "product", id };
  if ((id = param("/order/")) !== undefined) return { view: "order", id };
  return { view: "notfound" };
}

// --- Small helpers -----------------------------------------------------------------------------

const analytics = createAnalytics({
  productUrl: (id) => new URL(paths.product(id), location.origin).href,
});

const escapeMap = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text made safe for HTML; every value that is not a literal in this file goes through it. */
const esc = (value) => String(value).replace(/[&<>"']/g, (ch) => escapeMap[ch]);

const price = (euros) => formatCents(Math.round(euros * 100));

const main = document.getElementById("view");
const $ = (selector, root = main) => root.querySelector(selector);
const $$ = (selector, root = main) => Array.from(root.querySelectorAll(selector));

/** Cart lines joined with the catalog; lines whose product or variant vanished are skipped. */
function resolveLines(cart) {
  return cart.lines
    .map((line) => {
      const product = findProduct(line.productId);
      const variant = product && findVariant(product, line.variantId);
      return product && variant ? { product, variant, quantity: line.quantity } : undefined;
    })
    .filter(Boolean);
}

const pricingLines = (lines) => lines.map(({ product, quantity }) => ({ price: product.price, quantity }));

function variantKind(product) {
  return product.variants.some((variant) => variant.color) ? "Colour" : "Size";
}

let toastTimer;
function toast(html) {
  const box = document.getElementById("toast");
  box.innerHTML = html;
  box.classList.add("visible");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("visible"), 4000);
}

// --- Shared fragments --------------------------------------------------------------------------

function productCard(product) {
  return `
    <li class="card">
      <a class="card-link" data-test="product-link" data-product-id="${esc(product.id)}" href="${esc(paths.product(product.id))}">
        <div class="art">${productArt(product)}</div>
        <div class="card-body">
          <p class="brand">${esc(product.brand)}</p>
          <h3 class="card-title">${esc(product.name)}</h3>
          <p class="card-price">${price(product.price)}</p>
        </div>
      </a>
    </li>`;
}

function breadcrumb(items) {
  const parts = items.map(([label, href]) =>
    href ? `<li><a href="${esc(href)}">${esc(label)}</a></li>` : `<li aria-current="page">${esc(label)}</li>`,
  );
  return `<nav class="breadcrumb" aria-label="Breadcrumb"><ol>${parts.join("")}</ol></nav>`;
}

function amountsTable(display, { shippingLabel, estimate }) {
  const shipping = display.shippingCents === 0 ? "Free" : formatCents(display.shippingCents);
  return `
    <dl class="amounts">
      <div><dt>Items</dt><dd>${formatCents(display.itemsCents)}</dd></div>
      ${display.discountCents ? `<div class="discount"><dt>Discount</dt><dd>−${formatCents(display.discountCents)}</dd></div>` : ""}
      <div><dt>Shipping${shippingLabel ? ` <span class="muted">(${esc(shippingLabel)})</span>` : ""}</dt><dd>${shipping}</dd></div>
      <div class="total"><dt>${estimate ? "Estimated total" : "Total"}</dt><dd data-test="order-total">${formatCents(display.totalCents)}</dd></div>
      <div class="vat"><dt>incl. VAT</dt><dd>${formatCents(display.taxCents)}</dd></div>
    </dl>`;
}

// --- Views -------------------------------------------------------------------------------------
// Each view has a title (set before the URL changes, so the page event the SDK records on
// pushState carries the new title) and a render function that draws into <main>.

const views = {
  home: {
    title: () => `${SHOP_NAME}: thoughtful things for everyday life`,
    render() {
      const featured = featuredProducts();
      // Pictures the featured list below does not repeat.
      const heroArt = ["organic-tee", "enamel-kettle", "chelsea-boot"].map(findProduct);
      main.innerHTML = `
        <section class="hero">
          <div class="hero-text">
            <p class="eyebrow">Autumn collection</p>
            <h1>Made to last, chosen with care.</h1>
            <p class="lead">Clothing, shoes and homeware from small European makers. Free standard
              shipping from €75. New here? Use code <strong>WELCOME10</strong> for 10% off.</p>
            <a class="button" href="${esc(paths.category("clothing"))}" data-test="category-link">Shop clothing</a>
          </div>
          <div class="hero-art" aria-hidden="true">
            ${heroArt.map((product) => `<div class="hero-tile">${productArt(product)}</div>`).join("")}
          </div>
        </section>
        <section class="section">
          <h2>Shop by category</h2>
          <ul class="category-grid">
            ${categories
              .map((category) => {
                const [, second] = productsIn(category.id); // the first is featured below
                return `
                  <li>
                    <a class="category-card" data-test="category-link" href="${esc(paths.category(category.id))}">
                      <div class="art">${productArt(second)}</div>
                      <div>
                        <h3>${esc(category.name)}</h3>
                        <p class="muted">${esc(category.blurb)}</p>
                      </div>
                    </a>
                  </li>`;
              })
              .join("")}
          </ul>
        </section>
        <section class="section">
          <h2>Featured</h2>
          <ul class="product-grid">${featured.map(productCard).join("")}</ul>
        </section>`;
      analytics.productListViewed("featured", undefined, featured);
      return "home";
    },
  },

  category: {
    title: ({ id }) => (findCategory(id) ? `${findCategory(id).name} | ${SHOP_NAME}` : views.notfound.title()),
    render({ id }) {
      const category = findCategory(id);
      if (!category) return views.notfound.render();
      const items = productsIn(category.id);
      main.innerHTML = `
        ${breadcrumb([["Home", paths.home()], [category.name]])}
        <header class="page-header">
          <h1>${esc(category.name)}</h1>
          <p class="muted">${esc(category.blurb)} ${items.length} products.</p>
        </header>
        <ul class="product-grid">${items.map(productCard).join("")}</ul>`;
      analytics.productListViewed(`category_${category.id}`, category.name, items);
      return "category";
    },
  },

  product: {
    title: ({ id }) => (findProduct(id) ? `${findProduct(id).name} | ${SHOP_NAME}` : views.notfound.title()),
    render({ id }) {
      const product = findProduct(id);
      if (!product) return views.notfound.render();
      const category = findCategory(product.category);
      let selected = product.variants[0];
      const kind = variantKind(product);
      main.innerHTML = `
        ${breadcrumb([["Home", paths.home()], [category.name, paths.category(category.id)], [product.name]])}
        <article class="product">
          <div class="product-art art">${productArt(product, selected.id)}</div>
          <div class="product-info">
            <p class="brand">${esc(product.brand)}</p>
            <h1>${esc(product.name)}</h1>
            <p class="product-price">${price(product.price)} <span class="muted">incl. VAT</span></p>
            <form class="buy" novalidate>
              <fieldset class="variants">
                <legend>${kind}: <span class="variant-choice">${esc(selected.label)}</span></legend>
                <div class="chips" role="group">
                  ${product.variants
                    .map(
                      (variant, index) => `
                        <button type="button" class="chip" data-test="variant" data-variant-id="${esc(variant.id)}"
                          aria-pressed="${index === 0}">
                          ${variant.color ? `<span class="swatch" style="background:${esc(variant.color)}"></span>` : ""}
                          ${esc(variant.label)}
                        </button>`,
                    )
                    .join("")}
                </div>
              </fieldset>
              <div class="buy-row">
                <label class="qty">
                  <span>Quantity</span>
                  <input type="number" inputmode="numeric" name="quantity" data-test="qty-input"
                    min="1" max="${MAX_QUANTITY}" step="1" value="1">
                </label>
                <button type="submit" class="button add" data-test="add-to-cart">Add to cart</button>
              </div>
            </form>
            <p class="description">${esc(product.description)}</p>
            <ul class="perks">
              <li>Free standard shipping from €75</li>
              <li>30 days to change your mind</li>
              <li>Ships from our warehouse in Leipzig</li>
            </ul>
          </div>
        </article>`;

      for (const chip of $$('[data-test="variant"]')) {
        chip.addEventListener("click", () => {
          selected = findVariant(product, chip.dataset.variantId);
          for (const other of $$('[data-test="variant"]')) {
            other.setAttribute("aria-pressed", String(other === chip));
          }
          $(".variant-choice").textContent = selected.label;
          if (selected.color) $(".product-art").innerHTML = productArt(product, selected.id);
        });
      }

      $("form.buy").addEventListener("submit", (event) => {
        event.preventDefault();
        const input = $('[data-test="qty-input"]');
        const wanted = Math.max(1, clampQuantity(input.value));
        input.value = String(wanted);
        const added = addItem(product.id, selected.id, wanted);
        if (added === 0) {
          toast(`You already have ${MAX_QUANTITY} of these in your cart, the most one order can take.`);
          return;
        }
        analytics.productAdded(getCart().id, product, selected, added);
        toast(
          `Added ${added} × ${esc(product.name)} (${esc(selected.label)}). ` +
            `<a href="${esc(paths.cart())}">View cart</a>`,
        );
      });

      analytics.productViewed(product);
      return "product";
    },
  },

  cart: {
    title: () => `Your cart | ${SHOP_NAME}`,
    render() {
      const cart = getCart();
      analytics.cartViewed(cart.id, resolveLines(cart));
      drawCart();
      return "cart";
    },
  },

  checkout: {
    title: () => `Checkout | ${SHOP_NAME}`,
    render() {
      const cart = getCart();
      const lines = resolveLines(cart);
      if (lines.length === 0) {
        main.innerHTML = `
          <header class="page-header"><h1>Checkout</h1></header>
          <div class="empty-state">
            <p>Your cart is empty, so there is nothing to check out yet.</p>
            <a class="button" href="${esc(paths.home())}">Continue shopping</a>
          </div>`;
        return "checkout";
      }
      const checkout = checkoutFor(cart.id);
      let shippingId = shippingOptions[0].id;
      const priced = () => priceOrder({ lines: pricingLines(lines), couponId: cart.couponId, shippingId });
      const merchandise = priceOrder({ lines: pricingLines(lines), couponId: cart.couponId }).display;
      const merchandiseCents = merchandise.itemsCents - merchandise.discountCents;

      main.innerHTML = `
        ${breadcrumb([["Cart", paths.cart()], ["Checkout"]])}
        <header class="page-header"><h1>Checkout</h1></header>
        <div class="checkout">
          <form class="checkout-form" autocomplete="on">
            <fieldset>
              <legend>Contact</legend>
              <label class="field">
                <span>Email</span>
                <input type="email" name="email" data-test="email" autocomplete="email" required
                  placeholder="you@example.com">
              </label>
            </fieldset>
            <fieldset>
              <legend>Delivery address</legend>
              <label class="field">
                <span>Full name</span>
                <input type="text" name="name" data-test="name" autocomplete="name" required>
              </label>
              <label class="field">
                <span>Address</span>
                <textarea name="address" data-test="address" rows="3" autocomplete="street-address" required
                  placeholder="Street and number, postal code, city, country"></textarea>
              </label>
            </fieldset>
            <fieldset>
              <legend>Shipping</legend>
              ${shippingOptions
                .map((option, index) => {
                  const cost = option.freeFromCents !== undefined && merchandiseCents >= option.freeFromCents
                    ? 0 : option.priceCents;
                  return `
                    <label class="radio-card">
                      <input type="radio" name="shipping" value="${esc(option.id)}" data-test="shipping-${esc(option.id)}"
                        ${index === 0 ? "checked" : ""}>
                      <span class="radio-text"><strong>${esc(option.label)}</strong>
                        <span class="muted">${esc(option.detail)}</span></span>
                      <span class="radio-price">${cost === 0 ? "Free" : formatCents(cost)}</span>
                    </label>`;
                })
                .join("")}
            </fieldset>
            <p class="muted small">This is a demo shop: no payment is taken and nothing is shipped.</p>
            <button type="submit" class="button wide" data-test="place-order">Place order</button>
          </form>
          <aside class="summary" aria-label="Order summary">
            <h2>Order summary</h2>
            <ul class="summary-lines">
              ${lines
                .map(
                  ({ product, variant, quantity }) => `
                    <li>
                      <div class="thumb art">${productArt(product, variant.id)}</div>
                      <div class="summary-name">${esc(product.name)}
                        <span class="muted">${esc(variant.label)} · × ${quantity}</span></div>
                      <div>${price(product.price * quantity)}</div>
                    </li>`,
                )
                .join("")}
            </ul>
            <div class="summary-amounts"></div>
          </aside>
        </div>`;

      const drawAmounts = () => {
        const pricing = priced();
        $(".summary-amounts").innerHTML =
          (pricing.coupon ? `<p class="coupon-note">Code ${esc(pricing.coupon.id)}: ${esc(pricing.coupon.name)}</p>` : "") +
          amountsTable(pricing.display, { shippingLabel: pricing.shippingOption.label });
      };
      drawAmounts();

      for (const radio of $$('input[name="shipping"]')) {
        radio.addEventListener("change", () => {
          shippingId = findShippingOption(radio.value).id;
          drawAmounts();
        });
      }

      const form = $("form.checkout-form");
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        const button = $('[data-test="place-order"]');
        button.disabled = true;
        const data = new FormData(form);
        const email = String(data.get("email")).trim();
        const name = String(data.get("name")).trim();
        const pricing = priced();
        analytics.orderCompleted({
          checkoutId: checkout.checkoutId,
          orderId: checkout.orderId,
          lines,
          pricing,
          email,
          name,
        });
        saveOrder({
          orderId: checkout.orderId,
          placedAt: new Date().toISOString(),
          name,
          email,
          shippingLabel: pricing.shippingOption.label,
          lines: lines.map(({ product, variant, quantity }) => ({
            productId: product.id,
            variantId: variant.id,
            name: product.name,
            variant: variant.label,
            price: product.price,
            quantity,
          })),
          display: pricing.display,
        });
        startNewCart();
        navigate(paths.order(checkout.orderId));
      });

      analytics.checkoutStarted({ orderId: checkout.orderId, lines, pricing: priced() });
      return "checkout";
    },
  },

  order: {
    title: ({ id }) => `Order ${id} | ${SHOP_NAME}`,
    render({ id }) {
      const order = findOrder(id);
      if (!order) {
        main.innerHTML = `
          <header class="page-header"><h1>Order not found</h1></header>
          <div class="empty-state">
            <p>This device has no order <strong>${esc(id)}</strong>. Confirmations are only kept in
              the browser that placed the order.</p>
            <a class="button" href="${esc(paths.home())}">Continue shopping</a>
          </div>`;
        return "order";
      }
      const firstName = order.name.split(/\s+/)[0];
      main.innerHTML = `
        <section class="confirmation">
          <div class="check" aria-hidden="true">✓</div>
          <h1>Thank you, ${esc(firstName)}!</h1>
          <p class="lead">Your order <strong data-test="order-id">${esc(order.orderId)}</strong> is confirmed.
            We will send updates to <strong>${esc(order.email)}</strong>.</p>
          <div class="summary">
            <h2>What you ordered</h2>
            <ul class="summary-lines">
              ${order.lines
                .map((line) => {
                  const product = findProduct(line.productId);
                  return `
                    <li>
                      <div class="thumb art">${product ? productArt(product, line.variantId) : ""}</div>
                      <div class="summary-name">${esc(line.name)}
                        <span class="muted">${esc(line.variant)} · × ${Number(line.quantity)}</span></div>
                      <div>${price(line.price * line.quantity)}</div>
                    </li>`;
                })
                .join("")}
            </ul>
            ${amountsTable(order.display, { shippingLabel: order.shippingLabel })}
          </div>
          <a class="button" href="${esc(paths.home())}">Continue shopping</a>
        </section>`;
      return "order";
    },
  },

  notfound: {
    title: () => `Page not found | ${SHOP_NAME}`,
    render() {
      main.innerHTML = `
        <header class="page-header"><h1>Page not found</h1></header>
        <div class="empty-state">
          <p>We could not find that page. It may have moved, or the product is no longer sold.</p>
          <a class="button" href="${esc(paths.home())}">Go to the home page</a>
        </div>`;
      return "notfound";
    },
  },
};

// The cart view redraws itself after each change without sending Cart Viewed again: that event
// means the shopper opened the cart, not that it changed.
function drawCart(focusSelector) {
  const cart = getCart();
  const lines = resolveLines(cart);
  if (lines.length === 0) {
    main.innerHTML = `
      <header class="page-header"><h1>Your cart</h1></header>
      <div class="empty-state">
        <p>Your cart is empty.</p>
        <a class="button" href="${esc(paths.home())}">Continue shopping</a>
      </div>`;
    return;
  }
  const pricing = priceOrder({ lines: pricingLines(lines), couponId: cart.couponId });
  main.innerHTML = `
    <header class="page-header"><h1>Your cart</h1>
      <p class="muted">${itemCount({ lines })} ${itemCount({ lines }) === 1 ? "item" : "items"}</p></header>
    <div class="cart">
      <ul class="cart-lines">
        ${lines
          .map(
            ({ product, variant, quantity }) => `
              <li class="cart-line" data-product-id="${esc(product.id)}" data-variant-id="${esc(variant.id)}">
                <a class="thumb art" href="${esc(paths.product(product.id))}" tabindex="-1" aria-hidden="true">${productArt(product, variant.id)}</a>
                <div class="line-info">
                  <a class="line-name" href="${esc(paths.product(product.id))}">${esc(product.name)}</a>
                  <p class="muted">${esc(variantKind(product))}: ${esc(variant.label)} · ${price(product.price)}</p>
                  <div class="line-controls">
                    <label class="qty compact">
                      <span class="visually-hidden">Quantity of ${esc(product.name)}, ${esc(variant.label)}</span>
                      <input type="number" inputmode="numeric" data-test="qty-input" min="0" max="${MAX_QUANTITY}"
                        step="1" value="${quantity}">
                    </label>
                    <button type="button" class="link-button" data-test="remove-line">Remove</button>
                  </div>
                </div>
                <div class="line-total">${price(product.price * quantity)}</div>
              </li>`,
          )
          .join("")}
      </ul>
      <aside class="summary" aria-label="Cart summary">
        <h2>Summary</h2>
        <form class="coupon-form">
          ${
            pricing.coupon
              ? `<p class="coupon-applied"><span><strong>${esc(pricing.coupon.id)}</strong> ${esc(pricing.coupon.name)}</span>
                   <button type="button" class="link-button" data-action="remove-coupon">Remove</button></p>`
              : `<label class="field compact"><span>Promo code</span>
                   <span class="inline"><input type="text" name="coupon" data-test="coupon" autocomplete="off"
                     autocapitalize="characters" spellcheck="false">
                   <button type="submit" class="button secondary">Apply</button></span></label>
                 <p class="coupon-error" role="alert"></p>`
          }
        </form>
        ${amountsTable(pricing.display, { shippingLabel: "Standard", estimate: true })}
        <a class="button wide" data-test="checkout-button" href="${esc(paths.checkout())}">Go to checkout</a>
      </aside>
    </div>`;

  for (const row of $$(".cart-line")) {
    const product = findProduct(row.dataset.productId);
    const variant = findVariant(product, row.dataset.variantId);
    const key = `.cart-line[data-product-id="${CSS.escape(product.id)}"][data-variant-id="${CSS.escape(variant.id)}"]`;
    $('[data-test="qty-input"]', row).addEventListener("change", (event) => {
      const change = setQuantity(product.id, variant.id, clampQuantity(event.target.value));
      if (change > 0) analytics.productAdded(cart.id, product, variant, change);
      if (change < 0) analytics.productRemoved(cart.id, product, variant, -change);
      drawCart(`${key} [data-test="qty-input"]`);
    });
    $('[data-test="remove-line"]', row).addEventListener("click", () => {
      const removed = removeItem(product.id, variant.id);
      if (removed > 0) analytics.productRemoved(cart.id, product, variant, removed);
      drawCart();
      const heading = $("h1");
      heading.tabIndex = -1;
      heading.focus(); // the row and its button are gone; keep keyboard users in the page
    });
  }

  const couponForm = $(".coupon-form");
  couponForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $('[data-test="coupon"]', couponForm);
    const code = input.value.trim();
    if (!code) return;
    const coupon = findCoupon(code);
    if (!coupon) {
      analytics.couponDenied(cart.id, code.toUpperCase(), "unknown code");
      $(".coupon-error", couponForm).textContent = `“${code}” is not a valid code.`;
      return;
    }
    setCoupon(coupon.id);
    analytics.couponApplied(cart.id, coupon, priceOrder({ lines: pricingLines(lines), couponId: coupon.id }));
    drawCart();
  });
  $('[data-action="remove-coupon"]', couponForm)?.addEventListener("click", () => {
    analytics.couponRemoved(cart.id, pricing.coupon, pricing);
    setCoupon(undefined);
    drawCart();
  });

  if (focusSelector) $(focusSelector)?.focus();
}

// --- Router ------------------------------------------------------------------------------------

const scrollPositions = new Map(); // history entry key → scrollY, so Back returns to the same place
const entryKey = () => history.state?.key ?? "start";

function render(route, { focus }) {
  const view = views[route.view];
  clearTimeout(toastTimer);
  document.getElementById("toast").classList.remove("visible"); // it spoke of the previous view
  document.title = view.title(route);
  const name = view.render(route);
  highlightNav(route);
  // Set last: a test that waits for the view name finds the view fully drawn.
  document.body.dataset.view = name;
  const heading = $("h1");
  if (heading) heading.tabIndex = -1;
  if (focus) heading?.focus({ preventScroll: true });
}

/** Follows an internal link: pushes a history entry (the SDK records the page view) and renders. */
function navigate(to) {
  const url = new URL(to, location.href);
  if (url.pathname + url.search === location.pathname + location.search) {
    window.scrollTo(0, 0);
    return;
  }
  scrollPositions.set(entryKey(), window.scrollY);
  const route = matchRoute(url.pathname);
  // Title before pushState: the page view the SDK records for this navigation reads it.
  document.title = views[route.view].title(route);
  history.pushState({ key: Math.random().toString(36).slice(2) }, "", url);
  render(route, { focus: true });
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => {
  const route = matchRoute(location.pathname);
  render(route, { focus: true });
  window.scrollTo(0, scrollPositions.get(entryKey()) ?? 0);
});

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab or window
  const link = event.target.closest("a[href]");
  if (!link || link.hasAttribute("download")) return;
  if (link.target && link.target !== "_self") return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || shopPath(url.pathname) === undefined) return;
  const samePage = url.pathname + url.search === location.pathname + location.search;
  if (samePage && url.hash) return; // an in-page anchor such as the skip link
  event.preventDefault();
  navigate(url.href);
});

// --- Header ------------------------------------------------------------------------------------

function drawHeader() {
  document.querySelector('[data-shop="home-link"]').setAttribute("href", paths.home());
  document.querySelector('[data-test="cart-link"]').setAttribute("href", paths.cart());
  document.querySelector('[data-shop="category-nav"]').innerHTML = categories
    .map(
      (category) =>
        `<a data-test="category-link" data-category-id="${esc(category.id)}" href="${esc(paths.category(category.id))}">${esc(category.name)}</a>`,
    )
    .join("");
  updateCartCount(getCart());
}

function updateCartCount(cart) {
  const count = itemCount(cart);
  const badge = document.querySelector('[data-test="cart-count"]');
  badge.textContent = String(count);
  badge.classList.toggle("empty", count === 0);
  document.querySelector('[data-test="cart-link"]').setAttribute("aria-label", `Cart, ${count} ${count === 1 ? "item" : "items"}`);
}

function highlightNav(route) {
  const product = route.view === "product" ? findProduct(route.id) : undefined;
  const current = route.view === "category" ? route.id : product?.category;
  for (const link of document.querySelectorAll('[data-shop="category-nav"] a')) {
    if (link.dataset.categoryId === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

onCartChange(updateCartCount);
// Another tab changed the cart while this one shows it: show the new state.
onCartChange((cart, { external }) => {
  if (external && document.body.dataset.view === "cart") drawCart();
});

history.scrollRestoration = "manual";
drawHeader();
render(matchRoute(location.pathname), { focus: false });
