/**
 * A batch's validated COPY text, held between reading the body and writing it to the store, so
 * that no connection is taken (and no transaction opened) while a client is still sending. Kept
 * in memory while small; beyond `memoryLimit` bytes it moves to a temporary file under `dir`,
 * which `dispose()` deletes. Chunks come back in the order they were added, with their lines.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tempFile } from '../../../core/paths.js';

export interface SpooledChunk {
  /** Valid until the next chunk is asked for. */
  bytes: Buffer;
  lines: number;
}

/** Above this a batch's COPY text goes to disk: a few merge chunks' worth. */
const MEMORY_LIMIT = 16 * 1024 * 1024;

export class ChunkSpool {
  private readonly memory: { bytes: Buffer; lines: number }[] = [];
  private memoryBytes = 0;
  private file: { handle: FileHandle; path: string } | null = null;
  private readonly onDisk: { offset: number; length: number; lines: number }[] = [];
  private fileBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly memoryLimit = MEMORY_LIMIT,
  ) {}

  get chunks(): number {
    return this.memory.length + this.onDisk.length;
  }

  /** Keeps a copy of `bytes` (the caller may reuse its buffer at once). */
  async append(bytes: Buffer, lines: number): Promise<void> {
    if (!this.file && this.memoryBytes + bytes.length <= this.memoryLimit) {
      this.memory.push({ bytes: Buffer.from(bytes), lines });
      this.memoryBytes += bytes.length;
      return;
    }
    if (!this.file) {
      const file = await tempFile(this.dir, 'bulk', '.spool');
      this.file = { handle: await open(file, 'w+', 0o600), path: file };
      for (const m of this.memory.splice(0)) await this.write(m.bytes, m.lines);
      this.memoryBytes = 0;
    }
    await this.write(bytes, lines);
  }

  private async write(bytes: Buffer, lines: number): Promise<void> {
    const { handle } = this.file!;
    let done = 0;
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done, this.fileBytes + done)).bytesWritten;
    this.onDisk.push({ offset: this.fileBytes, length: bytes.length, lines });
    this.fileBytes += bytes.length;
  }

  async *read(): AsyncGenerator<SpooledChunk> {
    for (const m of this.memory) yield m;
    let buf = Buffer.alloc(0);
    for (const c of this.onDisk) {
      if (buf.length < c.length) buf = Buffer.allocUnsafe(c.length);
      let done = 0;
      while (done < c.length) {
        const { bytesRead } = await this.file!.handle.read(buf, done, c.length - done, c.offset + done);
        if (bytesRead === 0) throw new Error('the bulk spool file ended early');
        done += bytesRead;
      }
      yield { bytes: buf.subarray(0, c.length), lines: c.lines };
    }
  }

  /** Frees the memory and deletes the file; safe to call more than once. */
  async dispose(): Promise<void> {
    this.memory.length = 0;
    const file = this.file;
    this.file = null;
    if (file) {
      await file.handle.close().catch(() => {});
      await rm(file.path, { force: true });
    }
  }
}
