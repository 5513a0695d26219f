// The script-tag build (dist/omni.js): replaces the snippet's stub with the SDK and replays the
// calls the page made before it loaded. omni.wasm is fetched from beside this script unless
// init() names a wasmUrl.
import { Omni } from './omni.js';

const script = document.currentScript;
// OMNI_WASM_FILE is defined by the build: omni.wasm, or the content-hashed name.
const defaultWasmUrl = script && script.src ? new URL(OMNI_WASM_FILE, script.src).href : OMNI_WASM_FILE;

class ScriptOmni extends Omni {
  init(options) {
    return super.init(options && typeof options === 'object' ? { wasmUrl: defaultWasmUrl, ...options } : options);
  }
}

const stub = window.omni;
if (!(stub instanceof Omni)) {
  const omni = new ScriptOmni();
  window.omni = omni;
  omni.replaySnippetQueue(Array.isArray(stub) ? stub : []);
}
