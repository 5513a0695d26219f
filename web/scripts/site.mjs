// Assembles the demo site the collector serves: the storefront at the root, the webview example
// under /webview/, and the SDK build (web/dist) beside them. In each page the line
// `<!-- omni:snippet -->` becomes the inline snippet followed by omni.init() with this
// collector's URL and write key, exactly what a storefront developer pastes.
// Usage: node scripts/site.mjs --out DIR --write-key KEY --collector URL
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(web, '..');
const MARKER = '<!-- omni:snippet -->';

const arg = (name) => {
  const index = process.argv.indexOf('--' + name);
  if (index < 0 || !process.argv[index + 1]) {
    console.error(`site.mjs: --${name} is required (usage: --out DIR --write-key KEY --collector URL)`);
    process.exit(2);
  }
  return process.argv[index + 1];
};

// The <head> block a storefront pastes: preload hints for the SDK's two files, so the browser
// fetches them as soon as it reads the head (the snippet's own requests start only once the
// page's scripting has started: 15-25 ms later on a fresh page), then the snippet and init().
// The URLs are the ones the snippet derives from `init` (snippet/snippet.js); an SRI-pinned
// script is preloaded with the same integrity and CORS mode, or the browser fetches it twice.
export function snippetTag(snippet, init) {
  const collector = String(init.collector).replace(/\/+$/, '');
  const script = init.sdkUrl || collector + '/omni.js';
  const wasm = init.wasmUrl || (!init.sdkUrl && collector + '/omni.wasm');
  const pinned = init.sdkIntegrity ? ' integrity="' + init.sdkIntegrity + '" crossorigin' : '';
  return '<link rel="preload" href="' + script + '" as="script"' + pinned + '>\n' +
    (wasm ? '<link rel="preload" href="' + wasm + '" as="fetch" crossorigin>\n' : '') +
    '<script>\n' + snippet.trim() + '\nomni.init(' + JSON.stringify(init) + ');\n</script>';
}

// Replaces the marker in every .html file directly inside `dir`.
export function insertSnippet(dir, tag) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!name.endsWith('.html') || statSync(path).isDirectory()) continue;
    const html = readFileSync(path, 'utf8');
    if (html.includes(MARKER)) writeFileSync(path, html.replace(MARKER, tag));
  }
}

// Writes the site into `out` and returns the snippet tag it inserted.
export function buildSite(out, init) {
  const dist = join(web, 'dist');
  if (!existsSync(join(dist, 'omni.js'))) throw new Error('web/dist is not built (node web/scripts/build.mjs)');
  // Emptied rather than removed: a running collector may already serve this folder.
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(out)) rmSync(join(out, name), { recursive: true, force: true });
  // The examples' READMEs document the source; they are not part of the site.
  const filter = (source) => !source.endsWith('README.md');
  cpSync(join(root, 'examples', 'storefront'), out, { recursive: true, filter });
  const webview = join(root, 'examples', 'webview');
  if (existsSync(webview)) cpSync(webview, join(out, 'webview'), { recursive: true, filter });
  for (const name of readdirSync(dist)) cpSync(join(dist, name), join(out, name));
  const tag = snippetTag(readFileSync(join(dist, 'snippet.min.js'), 'utf8'), init);
  insertSnippet(out, tag);
  if (existsSync(webview)) insertSnippet(join(out, 'webview'), tag);
  return tag;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = resolve(arg('out'));
  buildSite(out, { writeKey: arg('write-key'), collector: arg('collector') });
  console.log(`site.mjs: wrote ${out}`);
}
