// Build and test configuration: a static app that can be hosted under any sub-path (BASE_PATH), installable and offline.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Cross-origin isolation (COOP + COEP) lets the CPU engine run llama.cpp on several threads. `credentialless`
 * rather than `require-corp`: cross-origin images and no-cors loads still work without CORP headers, and CORS
 * fetches (remote endpoints, model downloads) are unchanged. `CROSS_ORIGIN_ISOLATION=0` serves without them.
 */
const isolation = process.env.CROSS_ORIGIN_ISOLATION === '0' ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' };

export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [
    svelte(),
    // the app shell is precached; the in-browser engines' large chunks are cached on first use instead of on
    // every first visit, and model weights stay in the caches their engines keep
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // web-llm's chunks (6 MB each) are left out of the precache on purpose: a warning, not a failed build
      showMaximumFileSizeToCacheInBytesWarning: true,
      manifest: {
        name: 'Qwen Playground',
        short_name: 'Qwen Playground',
        description: 'Try, compare and measure Qwen models side by side.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f4f5f8',
        theme_color: '#5b4ae0',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        // what needs the network anyway (the benchmark, MCP's client) or is chosen (the CPU engine) is not downloaded
        // ahead on a first visit: it is kept once used, like web-llm (runtimeCaching below)
        globIgnores: ['**/BenchPage-*', '**/page-run.worker-*', '**/uPlot*', '**/streamableHttp-*', '**/sse-*', '**/auth-*', '**/client-*', '**/types-*', '**/wllama-*'],
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // the first visit is taken over once the shell is cached, so what it loads later is kept too (an update
        // still waits: a worker claims pages only when it activates, and a new one waits for the old pages to close)
        clientsClaim: true,
        runtimeCaching: [
          // the host edits the site file without rebuilding: the network first, the last copy when offline
          { urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.endsWith('/playground.json'), handler: 'NetworkFirst', options: { cacheName: 'site-file', networkTimeoutSeconds: 3 } },
          // hashed chunks too large to precache (web-llm's runtime and worker): kept once used; a module script's
          // request differs from a plain fetch of it in the headers that `Vary: Origin` names, not in its content
          { urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/assets\/.+\.(js|wasm)$/.test(url.pathname), handler: 'CacheFirst', options: { cacheName: 'engine-chunks', expiration: { maxEntries: 30 }, matchOptions: { ignoreVary: true } } },
        ],
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: true },
  // web-llm's worker is a module worker (`{ type: 'module' }`), so it is built as one
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  test: {
    include: ['src/**/*.test.ts', 'e2e/sim/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // the markdown tests stream whole answers a character at a time: 2-6 s on a busy 2-core machine, over the 5 s default
    testTimeout: 20_000,
  },
});
