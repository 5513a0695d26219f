// The real omni-collector on loopback for browser tests: a fresh data folder and config per
// test file, the demo site (or test pages) as its static directory, and read-back of what it
// stored through the admin API. halt() and restart() take the collector away and bring it back
// on the same port with the same database, which is what a network outage looks like to a
// browser that has no offline switch (WebKit under WebDriver).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');
export const collectorBinary = process.env.OMNI_COLLECTOR ||
  join(root, 'build', 'native-asan', 'server', 'omni-collector');

// `port` 0 (the default) lets the system choose one.
export async function startCollector({ staticDir, sources, port = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-browser-'));
  // Fixed-length random tokens: Math.random().toString(36) is sometimes a few characters short,
  // and the collector refuses an admin token under 16 characters.
  const writeKey = 'wk_browser_' + randomBytes(8).toString('hex');
  const adminToken = 'admin_' + randomBytes(16).toString('hex');
  const config = {
    listen: '127.0.0.1:' + port,
    storage: { kind: 'sqlite', path: join(dir, 'omni.db') },
    // The origin is only known once the port is; any loopback origin may send. The pages are on
    // the collector's own site, so it renews their anonymous id cookie (30 days).
    sources: sources || [{ name: 'web', writeKey, allowedOrigins: ['*'],
      anonymousIdCookie: { domain: '127.0.0.1', maxAgeDays: 30 } }],
    adminToken,
    threads: 1,
  };
  if (staticDir) Object.assign(config, { staticDir, staticSpaFallback: true });
  writeFileSync(join(dir, 'collector.json'), JSON.stringify(config));
  let { child, url } = await launch(join(dir, 'collector.json'));
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  return {
    url, writeKey, adminToken, dir,
    // Stops the process and keeps its data folder: the port refuses connections until restart().
    halt,
    // Starts the collector again on the same port with the same database (halting it first if
    // it still runs).
    async restart() {
      await halt();
      config.listen = '127.0.0.1:' + new URL(url).port;
      writeFileSync(join(dir, 'collector.json'), JSON.stringify(config));
      ({ child } = await launch(join(dir, 'collector.json')));
    },
    // Every stored event (oldest first), following the admin API's cursor.
    async events() {
      const all = [];
      let after = '';
      for (;;) {
        const response = await fetch(url + '/v1/admin/events?limit=1000' + (after ? '&after=' + after : ''),
          { headers: { Authorization: 'Bearer ' + adminToken } });
        if (!response.ok) throw new Error('admin events: ' + response.status + ' ' + await response.text());
        const page = await response.json();
        all.push(...page.events);
        if (!page.next || !page.events.length) break;
        after = page.next;
      }
      return all.sort((a, b) => a.id - b.id).map((row) => row.event);
    },
    async waitForEvents(count, { timeoutMs = 15000, filter = () => true } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = (await this.events()).filter(filter);
        if (events.length >= count || Date.now() > deadline) return events;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Starts the collector with this config; resolves with the process and its URL once it listens.
// Also used by the browser benchmark (bench/browser/collector.mjs) with the release binary.
export async function launch(configPath, binary = collectorBinary) {
  const child = spawn(binary, ['--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error('collector did not start: ' + stderr)), 20000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolvePort(match[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => reject(new Error('collector exited with ' + code + ': ' + stderr)));
  });
  return { child, url };
}
