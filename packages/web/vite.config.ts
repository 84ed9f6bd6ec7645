// Vite for the operator's client: `pnpm dev` proxies the API (tRPC, SSE, uploads, artifacts) to a running
// `regbatch serve`; `vite build` writes dist/, which `regbatch serve --web packages/web/dist` serves.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Read here (not in the app): the dev proxy target, default the server's default port.
const api = process.env.REGBATCH_API_URL ?? 'http://127.0.0.1:3007';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/trpc': { target: api, changeOrigin: true },
      '/api': { target: api, changeOrigin: true },
      '/healthz': { target: api, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000, sourcemap: false },
});
