/**
 * The dashboard's build. `vite build dashboard` (npm run build, scripts/start.mjs) writes
 * dashboard/dist, which the API serves at /, each text file with its brotli and gzip copies
 * (precompress.ts); `vite dashboard` (npm run dev:dashboard) serves it with hot reload and
 * forwards /api to the API on :3000 so the app uses the same relative URLs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { precompressDir } from './precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** After the build is written: the `.br` and `.gz` copies the server sends (built once, not per request). */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'odr-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = precompressDir(outDir);
      const sum = (k: 'bytes' | 'br' | 'gz') => Math.round(files.reduce((s, f) => s + f[k], 0) / 1024);
      this.info?.(`precompressed ${files.length} files: ${sum('bytes')} KB → ${sum('br')} KB brotli, ${sum('gz')} KB gzip`);
    },
  };
}

export default defineConfig({
  root,
  plugins: [svelte(), precompress()],
  server: {
    proxy: { '/api': { target: `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`, changeOrigin: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // vega is a lazy chunk of ~1 MB on purpose (loaded with the first chart); no need to warn.
    chunkSizeWarningLimit: 1500,
  },
});
