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
  constructor(module, wasmModule) {
    this.module = module;
    this.wasmModule = wasmModule;  // compiled once; a new instance after a trap reuses it
    this.broken = false;
  }

  version() {
    const ptr = this.#guard(() => this.module._omni_version());
    return this.#readText(ptr);
  }

  errorCodes() { return this.#result(() => this.module._omni_error_codes()); }

  create(config) { return this.#withInput(config, (p, n) => this.module._omni_create(p, n)); }

  destroy(handle) {
    if (!this.broken) this.#guard(() => this.module._omni_destroy(handle));
  }

  enqueue(handle, request) {
    return this.#withInput(request, (p, n) => this.module._omni_enqueue(handle, p, n));
  }

  reset(handle, now) { return this.#result(() => this.module._omni_reset(handle, now)); }

  next(handle, now, flush) { return this.#result(() => this.module._omni_next(handle, now, flush ? 1 : 0)); }

  drainForUnload(handle, now, maxBytes) {
    return this.#result(() => this.module._omni_drain_for_unload(handle, now, maxBytes));
  }

  report(handle, now, outcome) {
    return this.#withInput(outcome, (p, n) => this.module._omni_report(handle, now, p, n));
  }

  takeWrites(handle) { return this.#result(() => this.module._omni_take_writes(handle)); }

  // Writes `value` as JSON into wasm memory for the duration of `call`. encodeInto writes at most
  // 3 bytes per UTF-16 unit, so one allocation of that bound avoids encoding twice.
  #withInput(value, call) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const capacity = text.length * 3 + 1;
    const ptr = this.#guard(() => this.module._omni_alloc(capacity));
    if (!ptr) throw new OmniError('out_of_memory', 'the core could not allocate ' + capacity + ' bytes');
    try {
      const { written } = encoder.encodeInto(text, this.module.HEAPU8.subarray(ptr, ptr + capacity));
      return this.#result(() => call(ptr, written));
    } finally {
      if (!this.broken) this.module._omni_free(ptr);
    }
  }

  #result(call) {
    const ptr = this.#guard(call);
    if (!ptr) throw new OmniError('out_of_memory', 'the core returned no result');
    let text;
    try {
      text = this.#readText(ptr);
    } finally {
      this.module._omni_free(ptr);
    }
    const parsed = JSON.parse(text);
    if (parsed.error) throw new OmniError(parsed.error.code, parsed.error.message);
    return parsed.ok;
  }

  #readText(ptr) {
    const heap = this.module.HEAPU8;
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

const instantiateNow = (module, imports) => {
  try {
    return new WebAssembly.Instance(module, imports);
  } catch {
    return null;
  }
};

// Instantiates the core. `createModule` is the Emscripten factory (omni.mjs's default export);
// the code comes from `wasmModule` (a compiled WebAssembly.Module, or a promise of one: from
// compileCore, or the module of a trapped instance, so a page that lost its connection can still
// rebuild its core), `wasmBinary` (bytes: tests) or `wasmUrl`. Rejects with
// OmniError('core_unavailable') when the module cannot be compiled or started.
export function loadCore(createModule, { wasmUrl, wasmBinary, wasmModule, fetch: fetchImpl = globalThis.fetch } = {}) {
  if (typeof WebAssembly !== 'object') {
    return Promise.reject(new OmniError('core_unavailable', 'this browser has no WebAssembly'));
  }
  return new Promise((resolve, reject) => {
    const fail = (error) => reject(new OmniError('core_unavailable',
      'the WebAssembly core could not start: ' + ((error && error.message) || error)));
    let compiled = null;
    const instantiate = async (imports) => {
      if (wasmBinary) return WebAssembly.instantiate(wasmBinary, imports);
      const module = await (wasmModule || compileCore(wasmUrl, fetchImpl));
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    };
    createModule({
      // Keeps the glue from resolving omni.wasm against import.meta.url, which is empty once
      // the glue is bundled into a classic script; the bytes come from instantiateWasm anyway.
      locateFile: (path) => wasmUrl || path,
      instantiateWasm(imports, receive) {
        // A module compiled already is instantiated at once, so that start-up stays in one task
        // instead of waiting behind the page's rendering for a promise of the instance. When
        // the browser refuses that, the asynchronous path below reports why.
        const instance = wasmModule instanceof WebAssembly.Module && instantiateNow(wasmModule, imports);
        if (instance) {
          compiled = wasmModule;
          receive(instance, wasmModule);
          return instance.exports;
        }
        instantiate(imports).then((result) => {
          compiled = result.module;
          receive(result.instance, result.module);
        }, fail);
        return {};
      },
      onAbort: fail,
    }).then((module) => resolve(new Core(module, compiled)), fail);
  });
}
