// Writes the demo site (storefront, webview example, SDK build) into `dir` with the snippet
// initialised for this collector, plus the browser tests' own pages under /test/.
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSite, insertSnippet } from '../../../web/scripts/site.mjs';

const root = resolve(import.meta.dirname, '..', '..', '..');

export function writeSite(dir, { url, writeKey }, initExtra = {}) {
  const tag = buildSite(dir, { writeKey, collector: url, ...initExtra });
  cpSync(join(root, 'tests', 'browser', 'pages'), join(dir, 'test'), { recursive: true });
  insertSnippet(join(dir, 'test'), tag);
}
