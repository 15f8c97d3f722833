/**
 * How many bulk uploads run at once (BULK_CONCURRENCY), from the first byte read to the answer:
 * beyond it a request is refused at once rather than queued, so uploads cannot pile up memory,
 * temporary files and (on PostgreSQL) connections.
 */
import { ApiError } from '../common/errors.js';

/** What a refused upload is told to wait before trying again. */
export const BULK_RETRY_AFTER_SECONDS = 10;

export class UploadGate {
  private inFlight = 0;

  constructor(readonly capacity: number) {}

  /** A slot, released by calling the function returned (once; later calls do nothing). */
  enter(): () => void {
    if (this.inFlight >= this.capacity) {
      throw new ApiError(
        503,
        `${this.capacity} bulk upload${this.capacity > 1 ? 's are' : ' is'} already in progress, the most this server takes at once: try again in ${BULK_RETRY_AFTER_SECONDS} s`,
      );
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}
