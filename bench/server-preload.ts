/**
 * Loaded into the benchmarked server with `node --import ./dist/bench/server-preload.js` (bench only,
 * never in production). Node's HTTP server ends any request whose body is not fully received
 * within `requestTimeout` (default 300 000 ms since Node 18) with a 408; the server does not
 * change that default, so a bulk upload that streams for longer than 5 minutes is cut off. This
 * sets `requestTimeout = 0` on the server(s) the process creates so that a slow run still yields
 * figures; the benches report that they used it (see bench/RESULTS.md, "requestTimeout").
 * BENCH_REQUEST_TIMEOUT_MS=<n> sets another value instead.
 */
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';

const value = Number(process.env.BENCH_REQUEST_TIMEOUT_MS ?? 0);
const original = http.createServer;
http.createServer = function createServer(this: unknown, ...args: unknown[]) {
  const server = (original as (...a: unknown[]) => http.Server).apply(this, args);
  server.requestTimeout = value;
  return server;
} as typeof http.createServer;
// ESM importers (`import * as http from 'http'`, as @nestjs/platform-express does) see the patch
// only once the builtin's named exports are re-synced.
syncBuiltinESMExports();
