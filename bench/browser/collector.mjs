// The release omni-collector on loopback for the browser benchmark: a temporary folder with its
// config and SQLite database, the bench site as its static directory, and read-back of what it
// stored through the admin API. Everything it creates is removed by stop().
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../../tests/browser/support/collector.mjs';

export async function startCollector({ binary, staticDir }) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-browser-bench-'));
  const writeKey = 'wk_bench_' + randomBytes(8).toString('hex');
  const adminToken = 'admin_' + randomBytes(16).toString('hex');  // at least 16 characters
  const config = {
    listen: '127.0.0.1:0',
    storage: { kind: 'sqlite', path: join(dir, 'events.db') },
    // The rate limit is far above the load: the bench measures trackers, not the collector's
    // protection (Segment sends 10,000 single-event requests in a few seconds).
    sources: [{ name: 'bench', writeKey, allowedOrigins: ['*'],
      rateLimit: { eventsPerSecond: 100000000, burst: 100000000 } }],
    adminToken,
    threads: 2,
    staticDir,
  };
  writeFileSync(join(dir, 'collector.json'), JSON.stringify(config));
  const { child, url } = await launch(join(dir, 'collector.json'), binary);
  const exited = child.exitCode !== null ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.on('exit', resolve));

  // Stored rows with this exact name (the admin API's `event` filter), newest first, down to
  // (not including) the row id `aboveId`: following the cursor from the newest page, so a poll
  // reads only what arrived since the last one.
  async function rowsNamed(name, aboveId = 0) {
    const rows = [];
    let after = '';
    for (;;) {
      const query = 'limit=1000&event=' + encodeURIComponent(name) + (after ? '&after=' + after : '');
      const response = await fetch(url + '/v1/admin/events?' + query,
        { headers: { Authorization: 'Bearer ' + adminToken } });
      if (!response.ok) throw new Error('admin events: ' + response.status + ' ' + await response.text());
      const page = await response.json();
      for (const row of page.events) {
        if (row.id <= aboveId) return rows;
        rows.push(row);
      }
      if (!page.next || !page.events.length) return rows;
      after = page.next;
    }
  }

  return {
    url, writeKey, adminToken,
    // Every stored event with this exact name.
    async eventsNamed(name) {
      return (await rowsNamed(name)).map((row) => row.event);
    },
    // Polls until `count` events named `name` are stored, the count has not moved for
    // `stallMs`, or `timeoutMs` passed. Returns how many were stored and when a poll first saw
    // the count reached (ms after the call, to within `pollMs`), or null.
    async waitForEvents(name, count, { timeoutMs, pollMs = 100, stallMs = Infinity }) {
      const started = Date.now();
      let stored = 0;
      let newestId = 0;
      let movedAt = started;
      for (;;) {
        const fresh = await rowsNamed(name, newestId);
        const now = Date.now();
        if (fresh.length) {
          stored += fresh.length;
          newestId = fresh[0].id;
          movedAt = now;
        }
        if (stored >= count) return { stored, reachedMs: now - started };
        if (now - started > timeoutMs || now - movedAt > stallMs) return { stored, reachedMs: null };
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
