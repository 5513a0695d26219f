// OmniError: what every rejected promise of the SDK carries. `code` is one of the core's error
// codes (exported by the wasm as data, see omni_error_codes) or one of the facade's own below.
export class OmniError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'OmniError';
    this.code = code;
  }
}

// Codes the facade adds to the core's: the SDK was used before init() or with bad options, the
// WebAssembly core could not run, or a call needs something the page does not allow.
export const FacadeCodes = Object.freeze({
  invalidArgument: 'invalid_argument',
  notInitialized: 'not_initialized',
  coreUnavailable: 'core_unavailable',
  storageFailed: 'storage_failed',
  consentDenied: 'consent_denied',
});

export const toOmniError = (error, fallbackCode = 'internal') =>
  error instanceof OmniError ? error : new OmniError(fallbackCode, String((error && error.message) || error));
