// Turns the measurements into the printed table, the budget verdicts and the JSON results.
export const median = (values) => quantile(values, 0.5);

// Nearest-rank quantile of the finite values (null when there are none).
export function quantile(values, q) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const fixed = (value, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const kb = (bytes) => (bytes / 1024).toFixed(1) + ' KiB';
const mb = (bytes) => (bytes === null || bytes === undefined ? 'n/a' : (bytes / 1048576).toFixed(1) + ' MiB');
const thousands = (n) => n.toLocaleString('en-US');

// Each budget from the brief, checked on this run's figures. Returns [{name, met, detail}].
export function checkBudgets(rows) {
  const omni = rows.omni;
  const base = rows.baseline;
  const checks = [];
  const add = (name, met, detail) => checks.push({ name, met, detail });
  const bytes = omni.bytes.brotli;
  add('omni bytes <= 45 KiB (46,080 B)', bytes <= 45 * 1024, `${thousands(bytes)} B brotli`);
  add('omni bytes <= 45 kB (45,000 B)', bytes <= 45000, `${thousands(bytes)} B brotli`);
  const cost = omni.track.medianUs;
  add('omni track() median <= 10 µs', cost !== null && cost <= 10, `${fixed(cost, 2)} µs`);
  add('omni track() median <= 2x baseline', cost !== null && base.track.medianUs !== null && cost <= 2 * base.track.medianUs,
    `${fixed(cost, 2)} µs vs 2 x ${fixed(base.track.medianUs, 2)} µs`);
  const ready = omni.ready.medianMs;
  add('omni ready <= baseline + 30 ms', ready !== null && base.ready.medianMs !== null && ready <= base.ready.medianMs + 30,
    `${fixed(ready)} ms vs ${fixed(base.ready.medianMs)} + 30 ms`);
  add('omni delivered 10,000 of 10,000', omni.delivered.stored === omni.delivered.sent &&
    omni.delivered.distinctIndexes === omni.delivered.sent, `${thousands(omni.delivered.stored)} stored, ` +
    `${thousands(omni.delivered.distinctIndexes)} distinct`);
  const close = omni.tabClose;
  add('omni tab closed: 100 of 100 exactly once', close.stored === 100 && close.distinctMessageIds === 100 &&
    close.distinctIndexes === 100, `${close.stored} stored, ${close.distinctMessageIds} distinct messageIds, ` +
    `${close.distinctIndexes} distinct calls`);
  return checks;
}

function printTable(rows, order) {
  const header = ['tracker', 'bytes to track (br)', 'track() median', 'track() p95', 'promises settled',
    'ready (median)', 'JS heap', 'wasm memory', 'delivered', 'tab closed 50 ms after 100'];
  const lines = order.map((name) => {
    const row = rows[name];
    const settled = !row.track.promises ? 'no promise' : row.track.settleMs === null ? 'timed out'
      : fixed(row.track.settleMs, 0) + ' ms';
    return [name, `${thousands(row.bytes.brotli)} B (${kb(row.bytes.brotli)})`,
      fixed(row.track.medianUs, 2) + ' µs', fixed(row.track.p95Us, 2) + ' µs', settled,
      fixed(row.ready.medianMs) + ' ms', mb(row.heap.jsUsedBytes), name === 'omni' ? mb(row.heap.wasmBytes) : '-',
      `${thousands(row.delivered.stored)} / ${thousands(row.delivered.sent)}`,
      `${row.tabClose.stored}/100 stored, ${row.tabClose.distinctMessageIds} ids, ${row.tabClose.distinctIndexes} calls`];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => '| ' + cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  console.log(format(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const line of lines) console.log(format(line));
}

// The whole human-readable report: the table, then what each figure is made of, the profile,
// what tried to leave loopback, and one line per budget (OVER BUDGET: ... for a miss).
export function printReport(results, { trackers, burst, loads }) {
  const { rows, profile } = results;
  console.log(`\nBrowser SDK benchmark, run ${results.runId}, ${results.durationS} s, Chromium ${results.machine.chromium}, ` +
    `${results.machine.cores} x ${results.machine.cpu}, load average ${results.machine.loadAverageAtStart.join(' ')} at start\n`);
  printTable(rows, trackers);
  console.log('\nbytes to track: brotli (quality 11) of every script/wasm the page fetched (+ omni\'s inline snippet)');
  for (const tracker of trackers) {
    console.log(`  ${tracker}: ` + rows[tracker].bytes.files.map((f) =>
      (f.error ? `${f.path} (body unreadable: ${f.error})` : `${f.path} ${f.brotli} B` +
        (f.sha256 ? ` [sha256 ${f.sha256}]` : ''))).join(', '));
  }
  console.log(`track(): ${burst.chunks} chunks of ${burst.perChunk} calls, per-call = chunk time / ${burst.perChunk}; ` +
    `timer step ${trackers.map((t) => `${t} ${rows[t].track.timerResolutionUs} µs`).join(', ')}; ` +
    `whole burst ${trackers.map((t) => `${t} ${rows[t].track.burstMs.toFixed(0)} ms`).join(', ')}`);
  console.log(`ready: ms from navigation start, ${loads} fresh contexts each: ` +
    trackers.map((t) => `${t} [${rows[t].ready.loadsMs.join(', ')}]`).join('; '));
  for (const [name, extra] of Object.entries(results.readyOnly || {})) {
    console.log(`  ${name} (not a budget; the baseline by a blocking script tag, where the rows above load omni and the baseline asynchronously): ` +
      `[${extra.loadsMs.join(', ')}], median ${fixed(extra.medianMs)} ms`);
  }
  const omniLoads = rows.omni.ready.loads;
  const at = (file, edge) => median(omniLoads.map((l) => (l.resources[file] ? l.resources[file][edge] : NaN)));
  console.log(`  omni (medians): omni.js requested at ${at('omni.js', 'start')} ms, arrived ${at('omni.js', 'end')} ms; ` +
    `omni.wasm requested at ${at('omni.wasm', 'start')} ms, arrived ${at('omni.wasm', 'end')} ms; ready ${fixed(rows.omni.ready.medianMs)} ms`);
  console.log(`heap: after GC, JS heap when ready -> after the burst was delivered: ` +
    trackers.map((t) => `${t} ${(rows[t].heap.jsReadyBytes / 1048576).toFixed(1)} -> ${(rows[t].heap.jsUsedBytes / 1048576).toFixed(1)} MiB`).join(', ') +
    `; omni wasm memory ${(rows.omni.heap.wasmBytes / 1048576).toFixed(1)} MiB`);
  console.log(`event POSTs during the burst (failed by the browser): ${trackers.map((t) => {
    const network = rows[t].delivered.network;
    return `${t} ${thousands(network.posts)} (${network.failed ? thousands(network.failed) + ': ' + JSON.stringify(network.failures) : 0})`;
  }).join(', ')}`);
  console.log(`delivered: stored within ${trackers.map((t) => `${t} ${rows[t].delivered.withinMs === null ? 'n/a' : (rows[t].delivered.withinMs / 1000).toFixed(1) + ' s'}`).join(', ')} of the burst's end (polled every 0.25 s)`);
  console.log(`omni 'error' events during the burst: ${JSON.stringify(rows.omni.errors || {})}; ` +
    `promises: ${rows.omni.track.settled.queued} of ${burst.chunks * burst.perChunk} resolved {queued: true}, ${rows.omni.track.settled.rejected} rejected`);
  console.log('tab closed: ' + trackers.map((t) => `${t} ` + rows[t].tabClose.trials.map((trial) =>
    `${trial.distinctIndexes}/100` + (trial.missing ? ` (missing calls ${trial.missing})` : '')).join(' + ')).join('; '));
  console.log(`\nomni CPU profile (${profile.note}):`);
  for (const [phase, summary] of [['inside the 10,000 track() calls', profile.calls], ['after them, until every promise settled', profile.after]]) {
    console.log(`  ${phase}: ${summary.busyMs} ms busy, wasm ${summary.wasmMs} ms (${summary.wasmShare}%); top self time:`);
    for (const entry of summary.top.slice(0, 12)) console.log(`    ${String(entry.selfMs).padStart(8)} ms ${String(entry.share).padStart(5)}%  ${entry.function}`);
  }
  if (results.nonLoopbackRequests.length) {
    console.log(`\nnon-loopback requests attempted (failed by the resolver rule): ${results.nonLoopbackRequests.length}`);
    for (const request of results.nonLoopbackRequests.slice(0, 10)) console.log(`  ${request.url} (from ${request.page})`);
  } else {
    console.log('\nno request left loopback');
  }
  console.log('');
  for (const check of results.budgets) {
    console.log(check.met ? `within budget: ${check.name} (${check.detail})` : `OVER BUDGET: ${check.name} (${check.detail})`);
  }
}
