/**
 * The dashboard's build. `vite build dashboard` (npm run build, scripts/start.mjs) writes
 * dashboard/dist, which the API serves at /; `vite dashboard` (npm run dev:dashboard) serves it
 * with hot reload and forwards /api to the API on :3000 so the app uses the same relative URLs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [svelte()],
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
