// The npm package as a bundler user gets it: `npm pack` of web/, the tarball installed into a
// small Vite app, `vite build`, the built app served by the collector, and a track from it in
// Chromium. omni.wasm must be found without any bundler configuration.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setUp } from './support/setup.mjs';

const root = resolve(import.meta.dirname, '..', '..');
let env;
let work;
before(async () => {
  env = await setUp();
  work = mkdtempSync(join(tmpdir(), 'omni-npm-'));
});
after(async () => {
  await env.tearDown();
  rmSync(work, { recursive: true, force: true });
});

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8' });

test('the packed npm package installs into a Vite app, builds, and tracks in Chromium', async () => {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], join(root, 'web')).trim().split('\n').pop();
  const app = join(work, 'app');
  cpSync(join(root, 'tests', 'npm-package', 'app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-save', join(work, tarball)], app);
  const vite = join(root, 'tests', 'npm-package', 'node_modules', '.bin', 'vite');
  run(vite, ['build', '--base', '/vite-app/', '--outDir', join(env.site, 'vite-app'), '--emptyOutDir', '--logLevel', 'warn'], app);
  assert.ok(readdirSync(join(env.site, 'vite-app', 'assets')).some((name) => name.endsWith('.wasm')),
    'Vite emitted omni.wasm as an asset');

  const context = await env.browser.newContext();
  const page = await context.newPage();
  const query = new URLSearchParams({ writeKey: env.collector.writeKey, collector: env.collector.url });
  await page.goto(env.url('/vite-app/index.html?' + query));
  const result = await page.evaluate(() => window.tracked);
  assert.equal(result.queued, true);
  assert.equal((await page.evaluate(() => window.omni.status())).core, 'wasm');
  const [event] = await env.collector.waitForEvents(1, { filter: (e) => e.event === 'Tracked From Vite App' });
  assert.equal(event.properties.bundler, 'vite');
  await context.close();
});
