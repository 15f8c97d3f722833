// autocannon 8 ships no type declarations (@types/autocannon describes version 7): the part of
// its API that bench/load.ts uses (autocannon 8: lib/init.js, run.js, requestIterator.js).
declare module 'autocannon' {
  namespace autocannon {
    /** A request as autocannon sends it; setupRequest returns it changed. */
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    /** One step of a connection's request sequence; `context` is that connection's object, kept across steps. */
    interface RequestStep<C> extends Request {
      setupRequest?(req: Request, context: C): Request;
      onResponse?(status: number, body: string, context: C, headers: Record<string, string>): void;
    }
    interface Options<C> {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds. */
      timeout?: number;
      headers?: Record<string, string>;
      requests?: RequestStep<C>[];
    }
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p99: number;
    }
    interface Result {
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      statusCodeStats?: Record<string, { count: number }>;
      latency?: Histogram;
      requests?: Histogram;
      throughput?: Histogram;
    }
    /** The running instance: an EventEmitter that is also a promise of the result. */
    interface Instance extends PromiseLike<Result> {
      on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): this;
      on(event: 'reqError', listener: (err: Error) => void): this;
    }
  }
  function autocannon<C extends object>(opts: autocannon.Options<C>): autocannon.Instance;
  export = autocannon;
}
