/**
 * Runs an async producer one item ahead of its consumer: while the consumer awaits its work on
 * item n (a merge in PostgreSQL), the producer computes item n + 1 (validation in Node). At most
 * one item waits, so memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const result = await pending;
      if (result.done) {
        finished = true;
        return;
      }
      pending = iterator.next();
      yield result.value;
    }
  } finally {
    if (!finished) {
      // The consumer stopped early (an error): the item in progress is dropped, and its failure,
      // if it fails, is not an unhandled rejection.
      pending.catch(() => {});
      void iterator.return?.()?.catch(() => {});
    }
  }
}
