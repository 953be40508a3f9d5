import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The viewer is a static site: `base: './'` keeps every asset URL relative, so `viz/dist` works from any static file
 * server and from any sub-path. The engine under `sim/` is imported as TypeScript source (its `.js` import suffixes
 * resolve to `.ts`), and runs in a module Web Worker.
 */
export default defineConfig({
  root,
  base: './',
  // Scenario files are read as text (`?raw`) from ../scenarios; allow serving the project root in dev.
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  logLevel: 'warn',
});
