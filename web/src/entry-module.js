// The ES module build (dist/omni.mjs) for bundlers:
//   import { createOmni } from '@omni-sdk/web';
//   const omni = createOmni();
//   await omni.init({ writeKey, collector });
// omni.wasm is resolved next to this module (new URL(..., import.meta.url), which Vite,
// webpack 5 and esbuild's file loader understand); pass `wasmUrl` to serve it elsewhere.
import { Omni, VERSION } from './omni.js';

export { OmniError } from './errors.js';
export { Omni, VERSION };

class ModuleOmni extends Omni {
  init(options) {
    const wasmUrl = new URL('./omni.wasm', import.meta.url).href;
    return super.init(options && typeof options === 'object' ? { wasmUrl, ...options } : options);
  }
}

export function createOmni() {
  return new ModuleOmni();
}
