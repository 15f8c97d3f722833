/**
 * Build-time compression of the dashboard: a `.br` (brotli, best quality) and a `.gz` (gzip, level
 * 9) beside each text file of the build, written once by `vite build` (the plugin in vite.config.ts)
 * so the server sends them as they are (api/src/server.ts) instead of compressing every request.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Text the browser fetches; images, fonts and archives are compressed already or not served. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|xml|map)$/;

/** Below this, a compressed copy saves less than the Content-Encoding header and a round of work costs. */
export const MIN_BYTES = 1024;

export interface Precompressed {
  /** path relative to the directory, with '/' */
  file: string;
  bytes: number;
  br: number;
  gz: number;
}

/** Writes `<file>.br` and `<file>.gz` for each compressible file of `dir` (recursively) of at least `minBytes`. */
export function precompressDir(dir: string, minBytes = MIN_BYTES): Precompressed[] {
  const done: Precompressed[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (COMPRESSIBLE.test(entry.name)) {
        const file = path.join(dir, rel);
        const bytes = readFileSync(file);
        if (bytes.length < minBytes) continue;
        const br = brotliCompressSync(bytes, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        });
        const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
        writeFileSync(`${file}.br`, br);
        writeFileSync(`${file}.gz`, gz);
        done.push({ file: rel, bytes: bytes.length, br: br.length, gz: gz.length });
      }
    }
  };
  walk('');
  return done;
}
