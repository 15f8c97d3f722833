/**
 * Keeps the V8 heap close to what is live. Under a fast stream of short-lived objects (a bulk
 * upload parses and validates ~10 000 lines a second) V8 lets the old generation grow up to 4×
 * its live size between full collections: 190 MB of heap for ~40 MB live, a peak RSS of ~310 MiB.
 * A fixed growth factor of 2 held the same upload to ~225 MiB at no measured cost in speed
 * (bench/ingest.mjs, bench/RESULTS.md). The flag is read each time V8 sizes the heap, so setting
 * it at start-up, before the work, takes effect.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
