// One collector, one site and one browser per test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './browser.mjs';
import { startCollector } from './collector.mjs';
import { writeSite } from './site.mjs';

export async function setUp(options = {}) {
  const site = mkdtempSync(join(tmpdir(), 'omni-site-'));
  const collector = await startCollector({ staticDir: site, ...options });
  writeSite(site, collector, options.init);
  const browser = await (options.launch || launchChromium)();
  return {
    collector, browser, site,
    url: (path) => collector.url + path,
    async tearDown() {
      await browser.close();
      await collector.stop();
      rmSync(site, { recursive: true, force: true });
    },
  };
}

// Waits until window.omni is the SDK (not the snippet's stub) and has started.
export async function sdkReady(page) {
  await page.waitForFunction(() => window.omni && !Array.isArray(window.omni));
  await page.evaluate(() => window.omni.ready());
}
