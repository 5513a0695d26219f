// The real omni-collector on loopback for browser tests: a fresh data folder and config per
// test file, the demo site (or test pages) as its static directory, and read-back of what it
// stored through the admin API.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');
export const collectorBinary = process.env.OMNI_COLLECTOR ||
  join(root, 'build', 'native-asan', 'server', 'omni-collector');

export async function startCollector({ staticDir, sources } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-browser-'));
  const writeKey = 'wk_browser_' + Math.random().toString(36).slice(2);
  const adminToken = 'admin_' + Math.random().toString(36).slice(2);
  const config = {
    listen: '127.0.0.1:0',
    storage: { kind: 'sqlite', path: join(dir, 'omni.db') },
    // The origin is only known once the port is; any loopback origin may send.
    sources: sources || [{ name: 'web', writeKey, allowedOrigins: ['*'] }],
    adminToken,
    threads: 1,
  };
  if (staticDir) Object.assign(config, { staticDir, staticSpaFallback: true });
  writeFileSync(join(dir, 'collector.json'), JSON.stringify(config));
  const child = spawn(collectorBinary, ['--config', join(dir, 'collector.json')], {
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
  return {
    url, writeKey, adminToken, dir,
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
      child.kill('SIGTERM');
      await new Promise((r) => child.exitCode !== null ? r() : child.on('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
