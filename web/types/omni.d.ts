// TypeScript declarations for the Omni browser SDK (@omni-sdk/web and the script tag's
// window.omni).

/** Thrown (as a rejected promise) on invalid input or when the SDK cannot do what was asked. */
export declare class OmniError extends Error {
  readonly name: 'OmniError';
  /** One of the core's error codes ("invalid_event", "event_too_large", "queue_full",
   * "storage_failed", ...) or the facade's ("invalid_argument", "not_initialized",
   * "core_unavailable", "core_trapped"). */
  readonly code: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue | undefined };

export interface QueueOptions {
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  maxBatchAgeMs?: number;
  /** Bytes the persisted queue may hold; beyond it the overflow policy applies. */
  maxQueueBytes?: number;
  overflow?: 'drop_oldest' | 'reject_new';
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxAttempts?: number;
  maxAgeMs?: number;
}

export interface ConsentOptions {
  /** When true, nothing is stored or sent for a category until consent.set() grants it. */
  required?: boolean;
  /** Initial decisions, e.g. { analytics: true, marketing: false }. */
  categories?: Record<string, boolean>;
}

export interface InitOptions {
  /** The source's write key (from the collector's config). */
  writeKey: string;
  /** The collector's base URL, e.g. "https://collect.shop.example". */
  collector: string;
  /** Where omni.wasm is served; by default beside omni.js / omni.mjs. */
  wasmUrl?: string;
  /** Script tag only: where the snippet loads omni.js from (default <collector>/omni.js). */
  sdkUrl?: string;
  /** Script tag only: SRI hash the snippet puts on the script element. */
  sdkIntegrity?: string;
  /** false: no automatic page views (default: one on load and one per SPA navigation). */
  page?: boolean;
  /** Count changes of the URL's #fragment as navigations (hash routers). */
  hashRoutes?: boolean;
  /** Persistent storage: 'auto' (IndexedDB, else localStorage, else memory). */
  storage?: 'auto' | 'indexeddb' | 'localstorage' | 'memory';
  /** Domain of the anonymous id cookie; default: the registrable domain. '' for host-only. */
  cookieDomain?: string;
  consent?: ConsentOptions;
  queue?: QueueOptions;
  /** Log every call, queued event, batch and collector answer to the console
   * (also turned on by ?omni_debug=1 in the page URL). */
  debug?: boolean;
}

export interface CallOptions {
  /** Consent category of the event (default "analytics"). */
  consent?: string;
  /** Merged into the event's context. */
  context?: JsonObject;
}

/** How a call ended: queued durably, or dropped because consent for its category is denied. */
export type CallResult = { queued: true; messageId: string } | { queued: false; reason: string };

export interface User {
  anonymousId: string | null;
  userId: string | null;
  traits: JsonObject;
}

export interface Status {
  /** "wasm": the WebAssembly core; "lite": the pure-JS path (WebAssembly blocked). */
  core: 'loading' | 'wasm' | 'lite';
  storage: 'none' | 'indexeddb' | 'localstorage' | 'memory';
  /** Reasons the SDK runs with less than usual, e.g. "core:lite", "storage:memory". */
  degraded: string[];
}

/** What a middleware sees and returns: the call's fields before the core builds the event. */
export interface MiddlewareEvent {
  type: 'track' | 'page' | 'screen' | 'identify' | 'alias' | 'group';
  event?: string;
  name?: string;
  category?: string;
  userId?: string;
  previousId?: string;
  groupId?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context?: JsonObject;
  [field: string]: unknown;
}

/** Returns the event (changed or not), or null / false to drop it. */
export type Middleware = (event: MiddlewareEvent) => MiddlewareEvent | null | false;

export interface ErrorEvent { code: string; message?: string; messageId?: string; reason?: string }
export interface DegradedEvent { reason: string; message: string }

export interface Omni {
  init(options: InitOptions): Promise<void>;
  track(event: string, properties?: JsonObject, options?: CallOptions): Promise<CallResult>;
  page(category?: string, name?: string, properties?: JsonObject, options?: CallOptions): Promise<CallResult>;
  page(name: string, properties?: JsonObject, options?: CallOptions): Promise<CallResult>;
  identify(userId: string, traits?: JsonObject, options?: CallOptions): Promise<CallResult>;
  identify(traits: JsonObject, options?: CallOptions): Promise<CallResult>;
  alias(userId: string, previousId?: string, options?: CallOptions): Promise<CallResult>;
  group(groupId: string, traits?: JsonObject, options?: CallOptions): Promise<CallResult>;
  /** Forgets the user: a fresh anonymous id, no user id, no traits. */
  reset(): Promise<void>;
  /** Sends everything queued now instead of waiting for the batch thresholds. */
  flush(): Promise<void>;
  ready(callback?: (omni: Omni) => void): Promise<void>;
  /** Runs before every event is queued, in the order added; a middleware that throws is
   * reported on 'error' and the event goes on unchanged. */
  addMiddleware(middleware: Middleware): void;
  user(): User;
  anonymousId(): string | null;
  on(name: 'error', callback: (event: ErrorEvent) => void): () => void;
  on(name: 'degraded', callback: (event: DegradedEvent) => void): () => void;
  status(): Status;
  readonly consent: {
    set(categories: Record<string, boolean>): Promise<void>;
    get(): Record<string, boolean>;
  };
}

export declare const VERSION: string;
/** A new SDK instance (bundlers). The script tag's instance is window.omni. */
export declare function createOmni(): Omni;

declare global {
  interface Window {
    omni: Omni;
  }
}
