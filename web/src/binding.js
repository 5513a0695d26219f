// The private binding to omni.wasm: one method per omni_* export (sdk/wasm/omni_abi.h), and the
// only code that touches wasm memory. Inputs are JSON written into memory from omni_alloc and
// freed in `finally`; every result is a NUL-terminated JSON document the binding frees after
// reading it. A result {"error": {...}} becomes a thrown OmniError with the core's code.
//
// A trap (RuntimeError from the wasm) leaves the instance in an unknown state: the binding
// marks itself broken and every later call throws OmniError('core_trapped'), so the facade can
// drop it and build a new one from persisted state.
import { OmniError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Core {
  constructor(exports, memory, wasmModule) {
    this.exports = exports;
    this.memory = memory;
    this.wasmModule = wasmModule;  // compiled once; a new instance after a trap reuses it
    this.broken = false;
  }

  version() {
    const ptr = this.#guard(() => this.exports.omni_version());
    return this.#readText(ptr);
  }

  errorCodes() { return this.#result(() => this.exports.omni_error_codes()); }

  create(config) { return this.#withInput(config, (p, n) => this.exports.omni_create(p, n)); }

  destroy(handle) {
    if (!this.broken) this.#guard(() => this.exports.omni_destroy(handle));
  }

  enqueue(handle, request) {
    return this.#withInput(request, (p, n) => this.exports.omni_enqueue(handle, p, n));
  }

  reset(handle, now) { return this.#result(() => this.exports.omni_reset(handle, now)); }

  next(handle, now, flush) { return this.#result(() => this.exports.omni_next(handle, now, flush ? 1 : 0)); }

  drainForUnload(handle, now, maxBytes) {
    return this.#result(() => this.exports.omni_drain_for_unload(handle, now, maxBytes));
  }

  report(handle, now, outcome) {
    return this.#withInput(outcome, (p, n) => this.exports.omni_report(handle, now, p, n));
  }

  takeWrites(handle) { return this.#result(() => this.exports.omni_take_writes(handle)); }

  // Writes `value` as JSON into wasm memory for the duration of `call`. encodeInto writes at most
  // 3 bytes per UTF-16 unit, so one allocation of that bound avoids encoding twice.
  #withInput(value, call) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const capacity = text.length * 3 + 1;
    const ptr = this.#guard(() => this.exports.omni_alloc(capacity));
    if (!ptr) throw new OmniError('out_of_memory', 'the core could not allocate ' + capacity + ' bytes');
    try {
      const { written } = encoder.encodeInto(text, this.memory.bytes.subarray(ptr, ptr + capacity));
      return this.#result(() => call(ptr, written));
    } finally {
      if (!this.broken) this.exports.omni_free(ptr);
    }
  }

  #result(call) {
    const ptr = this.#guard(call);
    if (!ptr) throw new OmniError('out_of_memory', 'the core returned no result');
    let text;
    try {
      text = this.#readText(ptr);
    } finally {
      this.exports.omni_free(ptr);
    }
    const parsed = JSON.parse(text);
    if (parsed.error) throw new OmniError(parsed.error.code, parsed.error.message);
    return parsed.ok;
  }

  #readText(ptr) {
    const heap = this.memory.bytes;
    return decoder.decode(heap.subarray(ptr, heap.indexOf(0, ptr)));
  }

  #guard(call) {
    if (this.broken) throw new OmniError('core_trapped', 'the WebAssembly core stopped after a trap');
    try {
      return call();
    } catch (error) {
      this.broken = true;
      throw new OmniError('core_trapped', 'the WebAssembly core trapped: ' + ((error && error.message) || error));
    }
  }
}

// Downloads and compiles omni.wasm, compiling while it downloads (compileStreaming) when the
// server sends application/wasm, from the whole response otherwise. The facade starts this first,
// alongside opening storage, so neither waits for the other. Rejects when the page cannot run
// WebAssembly (no WebAssembly object, or a Content-Security-Policy without 'wasm-unsafe-eval').
export async function compileCore(wasmUrl, fetchImpl = globalThis.fetch) {
  if (typeof WebAssembly !== 'object') throw new OmniError('core_unavailable', 'this browser has no WebAssembly');
  const response = await fetchImpl(wasmUrl, { credentials: 'same-origin' });
  if (!response.ok) throw new OmniError('core_unavailable', 'GET ' + wasmUrl + ' answered ' + response.status);
  const streamable = WebAssembly.compileStreaming &&
    (response.headers.get('Content-Type') || '').startsWith('application/wasm');
  return streamable ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

// What the core imports (sdk/wasm/CMakeLists.txt links it STANDALONE_WASM): a note that memory
// grew, so views of the old buffer are dropped, and exit, which only a failed abort() reaches.
// Everything else the core needs it has inside.
const importsFor = (memory) => ({
  env: { emscripten_notify_memory_growth: () => memory.grown() },
  wasi_snapshot_preview1: {
    proc_exit: (code) => { throw new WebAssembly.RuntimeError('the core exited with status ' + code); },
  },
});

// The core's memory as bytes. Growing the memory detaches the old buffer, so the view is renewed
// after every growth.
class Memory {
  constructor() {
    this.wasm = null;  // the instance's exported WebAssembly.Memory
    this.view = null;
  }

  grown() { this.view = null; }

  get bytes() {
    return (this.view ||= new Uint8Array(this.wasm.buffer));
  }
}

// A compiled module made into a running core: instantiated at once when it is compiled already,
// so that start-up stays in one task instead of waiting behind the page's rendering for a promise
// of the instance; asynchronously from bytes, or when the browser refuses the synchronous call
// (a module over its size limit for the main thread).
async function instantiate(source, imports) {
  if (source instanceof WebAssembly.Module) {
    try {
      return { module: source, instance: new WebAssembly.Instance(source, imports) };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    return { module: source, instance: await WebAssembly.instantiate(source, imports) };
  }
  return WebAssembly.instantiate(source, imports);
}

// Instantiates the core. The code comes from `wasmModule` (a compiled WebAssembly.Module, or a
// promise of one: from compileCore, or the module of a trapped instance, so a page that lost its
// connection can still rebuild its core), `wasmBinary` (bytes: tests) or `wasmUrl`. Rejects with
// OmniError('core_unavailable') when the module cannot be compiled or started.
export async function loadCore({ wasmUrl, wasmBinary, wasmModule, fetch: fetchImpl = globalThis.fetch } = {}) {
  if (typeof WebAssembly !== 'object') throw new OmniError('core_unavailable', 'this browser has no WebAssembly');
  try {
    const memory = new Memory();
    const source = wasmBinary || await (wasmModule || compileCore(wasmUrl, fetchImpl));
    const { module, instance } = await instantiate(source, importsFor(memory));
    memory.wasm = instance.exports.memory;
    instance.exports._initialize();
    return new Core(instance.exports, memory, module);
  } catch (error) {
    throw new OmniError('core_unavailable', 'the WebAssembly core could not start: ' + ((error && error.message) || error));
  }
}
