// The demo shop's catalog: 12 products in 3 categories, and their pictures.
//
// Prices are numbers in euros, VAT included, as an EU shop shows them. Every picture is an SVG
// drawn here from a few shapes, so the shop downloads nothing but its own five files.

export const CURRENCY = "EUR";

export const categories = [
  { id: "clothing", name: "Clothing", blurb: "Merino, linen and organic cotton for every season." },
  { id: "shoes", name: "Shoes", blurb: "From the trail to the living room." },
  { id: "home", name: "Homeware", blurb: "Things to cook with, drink from and curl up under." },
];

const sizes = (...labels) => labels.map((label) => ({ id: label, label }));
const colors = (...pairs) => pairs.map(([label, color]) => ({ id: label.toLowerCase(), label, color }));

export const products = [
  {
    id: "merino-crew",
    sku: "OM-CL-101",
    name: "Merino Crew Sweater",
    brand: "Nordvik",
    category: "clothing",
    price: 89,
    currency: CURRENCY,
    variants: sizes("XS", "S", "M", "L", "XL"),
    description:
      "A fine-gauge crew neck knitted from extra-fine merino. Warm without bulk, soft enough to wear on bare skin, and it airs out overnight instead of needing a wash.",
    art: { kind: "sweater", color: "#3f5e7a", accent: "#2a4157", background: "#e4ecf3" },
  },
  {
    id: "linen-shirt",
    sku: "OM-CL-102",
    name: "Linen Camp Shirt",
    brand: "Atelier Sable",
    category: "clothing",
    price: 59.9,
    currency: CURRENCY,
    variants: sizes("S", "M", "L", "XL"),
    description:
      "Washed European linen with a relaxed camp collar. Breathes on hot days and gets softer every time it goes through the machine.",
    art: { kind: "shirt", color: "#d8c6a5", accent: "#a88f66", background: "#f6f0e4" },
  },
  {
    id: "organic-tee",
    sku: "OM-CL-103",
    name: "Organic Cotton Tee",
    brand: "Nordvik",
    category: "clothing",
    price: 24.9,
    currency: CURRENCY,
    variants: sizes("XS", "S", "M", "L", "XL"),
    description:
      "A mid-weight tee in GOTS-certified organic cotton, cut slightly boxy with a neck rib that keeps its shape.",
    art: { kind: "tee", color: "#c8553d", accent: "#98402d", background: "#f8e8e2" },
  },
  {
    id: "rain-shell",
    sku: "OM-CL-104",
    name: "Packable Rain Shell",
    brand: "Fjellspor",
    category: "clothing",
    price: 129,
    currency: CURRENCY,
    variants: sizes("S", "M", "L", "XL"),
    description:
      "A three-layer waterproof shell with taped seams and an adjustable hood. Packs into its own chest pocket.",
    art: { kind: "jacket", color: "#efad2f", accent: "#b98219", background: "#fbf1d9" },
  },
  {
    id: "trail-runner",
    sku: "OM-SH-201",
    name: "Trail Runner 3",
    brand: "Fjellspor",
    category: "shoes",
    price: 119.95,
    currency: CURRENCY,
    variants: sizes("38", "39", "40", "41", "42", "43", "44", "45"),
    description:
      "A cushioned trail shoe with a 4 mm lugged outsole and a breathable mesh upper. Sizes are EU.",
    art: { kind: "runner", color: "#2f7d6d", accent: "#1c4d43", background: "#e1f0ec" },
  },
  {
    id: "canvas-low",
    sku: "OM-SH-202",
    name: "Canvas Low Sneaker",
    brand: "Atelier Sable",
    category: "shoes",
    price: 64.5,
    currency: CURRENCY,
    variants: sizes("36", "37", "38", "39", "40", "41", "42", "43", "44"),
    description:
      "Heavy cotton canvas on a vulcanised natural-rubber sole. The classic low-top, made to be worn in. Sizes are EU.",
    art: { kind: "sneaker", color: "#2a3a52", accent: "#f3efe6", background: "#e3e8ef" },
  },
  {
    id: "chelsea-boot",
    sku: "OM-SH-203",
    name: "Leather Chelsea Boot",
    brand: "Brenner & Co.",
    category: "shoes",
    price: 169,
    currency: CURRENCY,
    variants: sizes("39", "40", "41", "42", "43", "44", "45", "46"),
    description:
      "Vegetable-tanned leather on a resoleable Goodyear-welted sole, with elastic gores and a pull tab. Sizes are EU.",
    art: { kind: "boot", color: "#7a4a2b", accent: "#3b291c", background: "#f1e6dd" },
  },
  {
    id: "wool-slipper",
    sku: "OM-SH-204",
    name: "Felted Wool Slipper",
    brand: "Nordvik",
    category: "shoes",
    price: 39.9,
    currency: CURRENCY,
    variants: sizes("37", "39", "41", "43", "45"),
    description:
      "Boiled wool with a soft suede sole. Warm in winter, cool in summer, quiet on wooden floors. Half sizes: take the next size up.",
    art: { kind: "slipper", color: "#958ab0", accent: "#d8d2e6", background: "#eeebf5" },
  },
  {
    id: "stoneware-mugs",
    sku: "OM-HM-301",
    name: "Stoneware Mug, Set of 2",
    brand: "Tonwerk",
    category: "home",
    price: 29.9,
    currency: CURRENCY,
    variants: colors(["Sage", "#8fa98b"], ["Sand", "#d3bd97"], ["Slate", "#5d6b78"]),
    description:
      "Two hand-glazed 350 ml mugs fired at high temperature, so they go in the dishwasher and the microwave. Every glaze comes out slightly different.",
    art: { kind: "mug", color: "#8fa98b", accent: "#f7f4ec", background: "#edf2ea" },
  },
  {
    id: "wool-throw",
    sku: "OM-HM-302",
    name: "Herringbone Wool Throw",
    brand: "Nordvik",
    category: "home",
    price: 79,
    currency: CURRENCY,
    variants: colors(["Oat", "#cbb894"], ["Forest", "#3e5b48"], ["Rust", "#b0603a"]),
    description:
      "130 × 180 cm of lambswool woven in a herringbone twill, finished with a short knotted fringe.",
    art: { kind: "blanket", color: "#cbb894", accent: "#f7f2e7", background: "#f4efe4" },
  },
  {
    id: "enamel-kettle",
    sku: "OM-HM-303",
    name: "Enamel Stovetop Kettle",
    brand: "Tonwerk",
    category: "home",
    price: 54.9,
    currency: CURRENCY,
    variants: colors(["Cream", "#e9dfc8"], ["Cobalt", "#2d4f8f"], ["Black", "#2f2f2f"]),
    description:
      "A 1.6 litre enamelled steel kettle that works on gas, electric and induction hobs. The handle stays cool.",
    art: { kind: "kettle", color: "#2d4f8f", accent: "#1b1b1b", background: "#e6ebf4" },
  },
  {
    id: "oak-board",
    sku: "OM-HM-304",
    name: "Oak Cutting Board",
    brand: "Brenner & Co.",
    category: "home",
    price: 34.5,
    currency: CURRENCY,
    variants: sizes("30 cm", "45 cm"),
    description:
      "Cut from one piece of FSC-certified European oak and finished with food-safe oil. Gentle on knife edges.",
    art: { kind: "board", color: "#c99a66", accent: "#9a7045", background: "#f5ebdf" },
  },
];

/** The products the home page features, in order. */
const featuredIds = ["merino-crew", "trail-runner", "stoneware-mugs", "rain-shell"];

export function findProduct(id) {
  return products.find((product) => product.id === id);
}

export function findCategory(id) {
  return categories.find((category) => category.id === id);
}

export function productsIn(categoryId) {
  return products.filter((product) => product.category === categoryId);
}

export function featuredProducts() {
  return featuredIds.map(findProduct);
}

/** The variant with this id, or undefined; a product's first variant is its default. */
export function findVariant(product, variantId) {
  return product.variants.find((variant) => variant.id === variantId);
}

/** A variant's own stock-keeping unit: the product's SKU with the variant appended. */
export function variantSku(product, variant) {
  return `${product.sku}-${variant.id.replace(/[^A-Za-z0-9]+/g, "").toUpperCase()}`;
}

// --- Pictures ----------------------------------------------------------------------------------
// Each kind draws one object on a 200 × 200 canvas in two colours: `c` (the body) and `a` (an
// accent: trim, sole, handle). Colour variants repaint the body.

const drawings = {
  tee: (c, a) => `
    <path d="M72 46 48 56 26 82 44 102 62 90v74q38 6 76 0V90l18 12 18-20-22-26-24-10q-28 20-56 0z" fill="${c}"/>
    <path d="M72 46q28 20 56 0" fill="none" stroke="${a}" stroke-width="5" stroke-linecap="round"/>
    <path d="M44 102 26 82M156 102l18-20" stroke="${a}" stroke-width="5" stroke-linecap="round"/>`,
  sweater: (c, a) => `
    <path d="M72 44 50 52q-12 6-16 26l-10 72 20 4 18-58v66h76V96l18 58 20-4-10-72q-4-20-16-26l-22-8q-28 18-56 0z" fill="${c}"/>
    <path d="M62 154h76M25 144l19 4M175 144l-19 4" stroke="${a}" stroke-width="8"/>
    <path d="M72 44q28 18 56 0" fill="none" stroke="${a}" stroke-width="6" stroke-linecap="round"/>`,
  shirt: (c, a) => `
    <path d="M74 42 52 50q-12 6-16 26l-10 74 20 4 18-58v68h72V96l18 58 20-4-10-74q-4-20-16-26l-22-8z" fill="${c}"/>
    <path d="M74 42l26 20-14 12-16-26zM126 42l-26 20 14 12 16-26z" fill="${a}"/>
    <path d="M100 62v102" stroke="${a}" stroke-width="2"/>
    <g fill="${a}"><circle cx="106" cy="84" r="3"/><circle cx="106" cy="108" r="3"/><circle cx="106" cy="132" r="3"/></g>`,
  jacket: (c, a) => `
    <path d="M74 48q0-30 26-30t26 30q-26 14-52 0z" fill="${a}"/>
    <path d="M74 46 52 54q-12 6-16 26l-10 72 20 4 18-58v64h72V98l18 58 20-4-10-72q-4-20-16-26l-22-8q-26 14-52 0z" fill="${c}"/>
    <path d="M100 54v108" stroke="${a}" stroke-width="4"/>
    <path d="M70 126h18M112 126h18" stroke="${a}" stroke-width="4" stroke-linecap="round"/>`,
  runner: (c, a) => `
    <path d="M34 132q-4-28 18-32l30-4q14-16 30 0 28 8 52 18 14 6 12 18z" fill="${c}"/>
    <rect x="28" y="128" width="152" height="16" rx="8" fill="${a}"/>
    <path d="M60 120q40-4 70-22" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" opacity=".85"/>
    <path d="M92 96l8 10M102 94l8 10M112 96l8 10" stroke="#fff" stroke-width="3" stroke-linecap="round"/>`,
  sneaker: (c, a) => `
    <path d="M36 130l2-26q2-8 18-8l34-2q20 6 44 14 36 8 38 22z" fill="${c}"/>
    <path d="M134 108q36 8 38 22h-40q-6-12 2-22z" fill="${a}"/>
    <rect x="30" y="128" width="148" height="18" rx="6" fill="${a}"/>
    <path d="M30 138h148" stroke="${c}" stroke-width="2" opacity=".35"/>
    <g fill="${a}"><circle cx="92" cy="102" r="3"/><circle cx="104" cy="105" r="3"/><circle cx="116" cy="108" r="3"/></g>`,
  boot: (c, a) => `
    <path d="M48 132l2-80q0-8 8-8h34q6 0 6 8l2 46q30 6 58 16 16 6 14 18z" fill="${c}"/>
    <rect x="60" y="56" width="24" height="38" rx="5" fill="${a}"/>
    <path d="M56 44v-10q0-4 4-4h8q4 0 4 4v10" fill="none" stroke="${a}" stroke-width="4"/>
    <rect x="42" y="128" width="134" height="14" rx="5" fill="${a}"/>`,
  slipper: (c, a) => `
    <path d="M34 132q0-20 26-24l60-4q40 0 52 18 4 10-4 12z" fill="${c}"/>
    <path d="M40 112q30-14 62-6" fill="none" stroke="${a}" stroke-width="10" stroke-linecap="round"/>
    <rect x="30" y="130" width="146" height="10" rx="5" fill="${a}"/>`,
  mug: (c, a) => `
    <path d="M130 88q30 0 30 24t-30 24" fill="none" stroke="${c}" stroke-width="12"/>
    <rect x="52" y="70" width="80" height="88" rx="12" fill="${c}"/>
    <rect x="52" y="70" width="80" height="14" rx="7" fill="${a}" opacity=".55"/>
    <path d="M78 56q-8-10 0-20M100 56q-8-10 0-20" fill="none" stroke="${c}" stroke-width="4" stroke-linecap="round" opacity=".6"/>`,
  blanket: (c, a) => `
    <rect x="40" y="52" width="120" height="100" rx="10" fill="${c}"/>
    <path d="M52 74l10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10M52 100l10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10M52 126l10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10 10 10 10-10" fill="none" stroke="${a}" stroke-width="3" stroke-linejoin="round" opacity=".75"/>
    <path d="M48 152v10M58 152v10M68 152v10M78 152v10M88 152v10M98 152v10M108 152v10M118 152v10M128 152v10M138 152v10M148 152v10" stroke="${c}" stroke-width="3" stroke-linecap="round"/>`,
  kettle: (c, a) => `
    <path d="M74 102q0-50 26-50t26 50" fill="none" stroke="${a}" stroke-width="7" stroke-linecap="round"/>
    <path d="M134 142l34-38 8 5-32 44z" fill="${c}"/>
    <path d="M56 160l14-58q30-14 60 0l14 58q-44 10-88 0z" fill="${c}"/>
    <ellipse cx="100" cy="99" rx="26" ry="6" fill="#fff" opacity=".35"/>
    <rect x="94" y="84" width="12" height="10" rx="4" fill="${a}"/>`,
  board: (c, a) => `
    <rect x="140" y="96" width="40" height="30" rx="14" fill="${c}"/>
    <circle cx="164" cy="111" r="6" fill="#fff" opacity=".8"/>
    <rect x="30" y="58" width="120" height="106" rx="16" fill="${c}"/>
    <path d="M46 82q40-8 88 0M46 108q40 8 88 0M46 136q40-8 88 0" fill="none" stroke="${a}" stroke-width="3" opacity=".6"/>`,
};

/**
 * The product's picture as SVG markup. `variantId` repaints colour variants; the markup is
 * decorative (the product name is always written next to it), so it is hidden from screen
 * readers.
 */
export function productArt(product, variantId) {
  const { kind, color, accent, background } = product.art;
  const variant = variantId === undefined ? undefined : findVariant(product, variantId);
  const body = variant && variant.color ? variant.color : color;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" aria-hidden="true" focusable="false">` +
    `<rect width="200" height="200" fill="${background}"/>` +
    `<ellipse cx="100" cy="170" rx="70" ry="8" fill="#000" opacity=".06"/>` +
    drawings[kind](body, accent).replace(/\s*\n\s*/g, "") +
    `</svg>`
  );
}

/**
 * The picture as a data: URL, for the `image_url` of analytics events. This demo has no image
 * files to point at; a real shop sends its CDN address instead.
 */
export function productImageUrl(product) {
  return `data:image/svg+xml,${encodeURIComponent(productArt(product))}`;
}
