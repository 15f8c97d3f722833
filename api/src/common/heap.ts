/**
 * Keeps the V8 heap close to what is live. Under a fast stream of short-lived objects (a bulk
 * upload's parsed and validated lines) V8 lets the old generation grow up to 4× its live size
 * between full collections, so the heap holds mostly garbage. A fixed growth factor of 2 keeps a
 * bulk upload's peak memory well lower at no cost in speed (bench/ingest.ts, bench/RESULTS.md).
 * The flag is read each time V8 sizes the heap, so setting it at start-up, before the work, takes
 * effect.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
