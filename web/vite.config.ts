/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { pgliteSnapshot } from './build/pglite-snapshot';
import { precompress } from './build/precompress';

export default defineConfig({
  plugins: [react(), pgliteSnapshot(), precompress()],
  // PGlite finds its wasm/data files with `new URL(..., import.meta.url)`; pre-bundling would break that.
  optimizeDeps: { exclude: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'] },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
