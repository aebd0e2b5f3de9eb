import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API `npm run dev` proxies to (the server started next to Vite). */
const apiTarget = process.env.CAREPACK_DEV_API ?? 'http://127.0.0.1:3000';

/**
 * The one way into server code: the pure domain (src/domain, no I/O), file by file so the
 * bundle takes only the modules it uses. Mirrors `paths` in web/tsconfig.json; its API types
 * alias is type-only, so it has no entry here (a value import of server code fails the build).
 */
export const webAliases = {
  '@carepack/domain/': fileURLToPath(new URL('../src/domain/', import.meta.url)),
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: { alias: webAliases },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The report lists what each chunk weighs gzipped; bench/bundle.ts holds the budget.
    reportCompressedSize: false,
    // Vite's warning counts minified bytes; the budget that matters (250 KB gzipped) is bench/web.ts's.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/api': apiTarget, '/openapi.json': apiTarget, '/docs': apiTarget },
  },
});
