// Build and test configuration: a static app that can be hosted under any sub-path (BASE_PATH).
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Cross-origin isolation (COOP + COEP) lets the CPU engine run llama.cpp on several threads. `credentialless`
 * rather than `require-corp`: cross-origin images and no-cors loads still work without CORP headers, and CORS
 * fetches (remote endpoints, model downloads) are unchanged. `CROSS_ORIGIN_ISOLATION=0` serves without them.
 */
const isolation = process.env.CROSS_ORIGIN_ISOLATION === '0' ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [svelte()],
  build: { target: 'es2022', sourcemap: true },
  // web-llm's worker is a module worker (`{ type: 'module' }`), so it is built as one
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  test: {
    include: ['src/**/*.test.ts', 'e2e/sim/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
