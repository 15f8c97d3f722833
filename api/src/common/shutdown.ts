/**
 * Graceful shutdown of the HTTP server: stop accepting connections, let the requests in flight
 * finish within a bound, then cut what is left (a cut upload writes nothing: its transaction rolls
 * back). Keep-alive connections are closed as soon as they are idle, so a finished request does
 * not hold the server open.
 */
import type { Server } from 'node:http';

/** Resolves `{ cut }` once every connection has ended; `cut` counts those ended by force after `graceMs`. */
export function drainHttpServer(server: Server, graceMs: number): Promise<{ cut: number }> {
  return new Promise((resolve) => {
    let cut = 0;
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => {
      server.getConnections((_err, n) => {
        cut = n;
        server.closeAllConnections();
      });
    }, graceMs);
    const done = () => {
      clearInterval(idle);
      clearTimeout(force);
      resolve({ cut });
    };
    if (!server.listening) return done();
    server.close(() => done());
    server.closeIdleConnections();
  });
}
