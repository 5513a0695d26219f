// Reads a CDP Profiler profile: self time per function, and the wasm core's share. The release
// wasm has no name section, so wasm functions are named by their index; the exported ones
// (omni_enqueue, omni_alloc, ...) get their C ABI name from the wasm's export section.
import { readFileSync } from 'node:fs';

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

// Map<function index, omni_* name> for the exported functions of the wasm.
export function exportedWasmNames(wasmPath) {
  const bytes = readFileSync(wasmPath);
  const names = new Map();
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at++];
    let size;
    [size, at] = readLeb(bytes, at);
    if (id === 7) {
      let [count, p] = readLeb(bytes, at);
      for (; count > 0; count--) {
        let length;
        [length, p] = readLeb(bytes, p);
        const name = bytes.subarray(p, p + length).toString('utf8');
        p += length;
        const kind = bytes[p++];
        let index;
        [index, p] = readLeb(bytes, p);
        if (kind === 0 && name.startsWith('omni_')) names.set(index, name);
      }
    }
    at += size;
  }
  return names;
}

const wasmIndex = (frame) => {
  const match = /^\$?(?:func|wasm-function\[)(\d+)/.exec(frame.functionName);
  return match ? Number(match[1]) : null;
};
const isWasmFrame = (frame) => frame.url.startsWith('wasm://') || /\.wasm$/.test(frame.url) || wasmIndex(frame) !== null;

// C++ names from the name section, without template arguments, parameter types and inline
// namespaces: "nlohmann::detail::serializer::dump_escaped()".
export function shortCppName(name) {
  let short = name;
  for (let before = ''; before !== short;) [before, short] = [short, short.replace(/<[^<>]*>/g, '')];
  for (let before = ''; before !== short;) [before, short] = [short, short.replace(/\([^()]*\)/g, '')];
  return short.replace(/json_abi_v\d+_\d+_\d+::/g, '').replace(/std::__2::/g, 'std::') + '()';
}

// Self time by function, largest first, and the wasm total. `under` keeps only the samples with
// a function of that name on their stack, `notUnder` only the others.
export function summarizeProfile(profile, wasmNames = new Map(), { under, notUnder } = {}) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parents.set(child, node.id);
  const hasAncestor = (id, name) => {
    for (let at = id; at !== undefined; at = parents.get(at)) {
      if (nodes.get(at).callFrame.functionName === name) return true;
    }
    return false;
  };
  const keep = (id) => (under ? hasAncestor(id, under) : true) && (notUnder ? !hasAncestor(id, notUnder) : true);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (!keep(id)) continue;
    selfUs.set(id, (selfUs.get(id) || 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const byFunction = new Map();
  let totalUs = 0;
  let wasmUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id).callFrame;
    const index = wasmIndex(frame);
    const isWasm = isWasmFrame(frame);
    let label;
    if (isWasm) {
      label = 'wasm ' + (index === null ? shortCppName(frame.functionName) : wasmNames.get(index) || 'function ' + index);
    }
    else if (!frame.url) label = frame.functionName || '(anonymous)';
    else label = (frame.functionName || '(anonymous)') + ' ' + frame.url.split('/').pop() + ':' + (frame.lineNumber + 1);
    byFunction.set(label, (byFunction.get(label) || 0) + us);
    totalUs += us;
    if (isWasm) wasmUs += us;
  }
  const idleUs = byFunction.get('(idle)') || 0;
  const busyUs = totalUs - idleUs;
  const top = [...byFunction].filter(([label]) => label !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([label, us]) => ({ function: label, selfMs: Math.round(us / 10) / 100, share: busyUs ? Math.round(1000 * us / busyUs) / 10 : 0 }));
  return { busyMs: Math.round(busyUs / 10) / 100, wasmMs: Math.round(wasmUs / 10) / 100,
    wasmShare: busyUs ? Math.round(1000 * wasmUs / busyUs) / 10 : 0, top };
}
