/*
 * The Omni core's flat C ABI: the only functions omni.wasm exports.
 *
 * Data in and out is UTF-8 JSON. Ownership, once for every call:
 *   - Inputs are (pointer, length) pairs the caller owns; the core copies what it keeps.
 *   - Every `char*` returned is a NUL-terminated JSON document the CALLER frees with omni_free,
 *     except omni_version (static). Memory for inputs comes from omni_alloc.
 *   - A result document is either {"ok": <value>} or {"error": {"code": "...", "message": "..."}}
 *     where code is one of omni_error_codes(). No call aborts on bad input.
 * Time is passed in (`now_ms`, milliseconds since the Unix epoch, as a double so JavaScript
 * numbers pass exactly); randomness is seeded once at omni_create from the host's CSPRNG.
 * Handles are small positive integers; a destroyed or unknown handle yields a not_found error.
 * The functions are not thread-safe; one JS realm calls them.
 *
 * Keep this header and exports.json in step: tests/wasm/exports_test.cpp fails when they differ.
 */
#ifndef OMNI_ABI_H
#define OMNI_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Memory for inputs (and any buffer the host hands in). */
void* omni_alloc(size_t size);
void omni_free(void* ptr);

/* The core's version, "MAJOR.MINOR.PATCH": static, never freed. */
const char* omni_version(void);

/* {"ok": ["ok", "invalid_argument", ...]}: every error code, in numeric order. */
char* omni_error_codes(void);

/*
 * Creates an instance. Config:
 *   {"seed": "<64 hex chars from a CSPRNG>", "now": ms,
 *    "writeKey"?: "...", "queue"?: {"maxBatchEvents", "maxBatchBytes", "maxBatchAgeMs",
 *    "maxQueueBytes", "overflow": "drop_oldest"|"reject_new", "retryBaseMs", "retryMaxMs",
 *    "maxAttempts", "maxAgeMs"},
 *    "stored"?: {"<key>": "<value>", ...}   (everything persisted before: restores the queue and
 *                                            the identity)
 *    "anonymousId"?: "..."                  (an id handed over by a native app or a cookie;
 *                                            wins over the stored one)
 *    "context"?: {...}                      (fields every event's context gets unless the call
 *                                            sets them: library, userAgent, locale, ...) }
 * -> {"ok": {"handle": N, "anonymousId": "...", "userId": "..."|null, "pending": N,
 *            "dropped": [{"messageId", "reason"}]}}
 */
char* omni_create(const char* config, size_t len);

/* Frees an instance. Unknown handles are ignored. */
void omni_destroy(uint32_t handle);

/*
 * Builds, validates and durably queues one event. Request:
 *   {"type": "track"|"page"|"screen"|"identify"|"alias"|"group", "now": ms,
 *    "timestamp"?: ms (when the call was made, e.g. queued before load),
 *    "event"?, "name"?, "category"?, "userId"?, "previousId"?, "groupId"?,
 *    "properties"?, "traits"?, "context"?: {...},
 *    "page"?: {"url", "referrer", "title"}   (fills context.page, campaign and channel),
 *    "echo"?: true                           (return the event as queued, e.g. for a debug log)}
 * identify with a userId sets the instance's user id (kept for later events and persisted);
 * alias needs userId and uses the current id as previousId when none is given.
 * -> {"ok": {"messageId": "...", "userId": "..."|null (the user id from now on)}}, plus
 *    "event": {...the event as queued...} with "echo": true
 * The event is in the queue's storage when this returns; take the writes (omni_take_writes)
 * and persist them before telling the caller it is durable.
 */
char* omni_enqueue(uint32_t handle, const char* request, size_t len);

/*
 * Forgets the user: a fresh anonymous id, no user id, no traits (queued events stay queued).
 * -> {"ok": {"anonymousId": "..."}}
 */
char* omni_reset(uint32_t handle, double now_ms);

/*
 * What to do now: {"ok": {"action": "idle"}} | {"ok": {"action": "wait", "ms": N}} |
 * {"ok": {"action": "send", "batchId": N, "body": "<JSON text to POST to /v1/batch>",
 *         "messageIds": [...]}}
 * flush=1 asks for everything pending to be sent without waiting for batch thresholds.
 */
char* omni_next(uint32_t handle, double now_ms, int flush);

/*
 * Everything pending as batches whose bodies add up to at most max_bytes (page hide: the
 * keepalive/sendBeacon budget is 64 KB in flight). -> {"ok": {"batches": [{"batchId", "body",
 * "messageIds"}]}}. Their outcome may never be reported; after a restart they are sent again
 * and the collector deduplicates them.
 */
char* omni_drain_for_unload(uint32_t handle, double now_ms, uint32_t max_bytes);

/*
 * The outcome of sending a batch: {"batchId": N, "status": HTTP status or 0 for a network
 * error, "retryAfterMs"?: N, "body"?: "<the collector's response body>"} (a 400 body naming
 * rejected events drops exactly those). -> {"ok": {"dropped": [{"messageId", "reason"}]}}
 */
char* omni_report(uint32_t handle, double now_ms, const char* outcome, size_t len);

/*
 * Storage writes made since the last call, in order, for the host to persist:
 * {"ok": [{"put": "<key>", "value": "<value>"} | {"erase": "<key>"}, ...]}
 */
char* omni_take_writes(uint32_t handle);

#ifdef __cplusplus
}
#endif

#endif /* OMNI_ABI_H */
