import { describe, expect, it } from 'vitest';
import { ChunkBuffer } from './chunk-buffer.js';

describe('ChunkBuffer', () => {
  it('holds the UTF-8 of everything appended, growing past its first size', () => {
    const b = new ChunkBuffer(8);
    const lines = ['"a","Müller"\n', '"b","Ελλάδα 🇬🇷"\n', `"c","${'x'.repeat(100)}"\n`];
    for (const l of lines) b.append(l);
    expect(b.bytes().toString('utf8')).toBe(lines.join(''));
    expect(b.bytes().length).toBe(Buffer.byteLength(lines.join('')));
  });

  it('starts empty again after a reset', () => {
    const b = new ChunkBuffer(8);
    b.append('first chunk\n');
    b.reset();
    expect(b.bytes().length).toBe(0);
    b.append('second\n');
    expect(b.bytes().toString()).toBe('second\n');
  });
});
