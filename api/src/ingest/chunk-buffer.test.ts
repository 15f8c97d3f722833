import { describe, expect, it } from 'vitest';
import { ChunkBuffer, ChunkBufferPool } from './chunk-buffer.js';

describe('ChunkBuffer', () => {
  it('holds the UTF-8 of everything appended, growing past its first size', () => {
    const b = new ChunkBuffer(8);
    const lines = ['"a","Müller"\n', '"b","Ελλάδα 🇬🇷"\n', `"c","${'x'.repeat(100)}"\n`];
    for (const l of lines) b.append(l);
    expect(b.bytes().toString('utf8')).toBe(lines.join(''));
    expect(b.bytes().length).toBe(Buffer.byteLength(lines.join('')));
  });

  it('starts empty again after a reset, and the pool hands the same buffer back', () => {
    const pool = new ChunkBufferPool();
    const b = pool.take();
    b.append('first chunk\n');
    pool.give(b);
    const again = pool.take();
    expect(again).toBe(b);
    expect(again.bytes().length).toBe(0);
    again.append('second\n');
    expect(again.bytes().toString()).toBe('second\n');
    expect(pool.take()).not.toBe(b);
  });
});
