// Build and test configuration: a static app that can be hosted under any sub-path (BASE_PATH).
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [svelte()],
  build: { target: 'es2022', sourcemap: true },
  // web-llm's worker is a module worker (`{ type: 'module' }`), so it is built as one
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  test: {
    include: ['src/**/*.test.ts', 'e2e/sim/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
