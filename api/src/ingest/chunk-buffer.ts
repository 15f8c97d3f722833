/**
 * One merge chunk's COPY text, written as UTF-8 into a Buffer that is reused from chunk to chunk (reset once spooled).
 * Allocating a Buffer (or a string) per chunk left tens of MB of dead chunks waiting for V8's
 * next full GC, which counts them late: reuse keeps the server's memory flat during an upload.
 */
export class ChunkBuffer {
  private buf: Buffer;
  private used = 0;

  constructor(initialBytes = 1 << 22) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  append(text: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: measure only when it might not fit.
    if (this.buf.length - this.used < text.length * 3) {
      const need = this.used + Buffer.byteLength(text);
      if (need > this.buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
        this.buf.copy(bigger, 0, 0, this.used);
        this.buf = bigger;
      }
    }
    this.used += this.buf.write(text, this.used);
  }

  /** The bytes written so far (a view, valid until the next reset). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  reset(): void {
    this.used = 0;
  }
}
