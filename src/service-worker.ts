// Registers the service worker (offline app shell, installable page); a new version waits for the next visit.
/// <reference types="vite-plugin-pwa/client" />
import type { Site } from './lib/state/site.svelte.ts';

/** Hashed chunks of this site: what the worker keeps once used (see vite.config.ts). */
const CHUNK = /\/assets\/[^/]+\.(js|wasm)$/;

/**
 * The page is never reloaded for an update: the new worker waits until every tab of the old one has closed,
 * so an answer streaming now is never cut, and the page only says that the next visit gets the new version.
 */
export async function registerServiceWorker(site: Site): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  if (!navigator.serviceWorker.controller) navigator.serviceWorker.addEventListener('controllerchange', keepLoadedChunks, { once: true });
  const { registerSW } = await import('virtual:pwa-register');
  registerSW({
    onNeedRefresh: () => (site.updateWaiting = true),
    // were the new worker to take over this page anyway (another tab told it to), the plugin would reload the page: never
    onNeedReload: () => (site.updateWaiting = true),
    onRegisterError: () => {
      // no service worker (a private window, a browser setting): the page works, only not offline
    },
  });
}

/**
 * On a first visit the page loads chunks before the worker takes over (web-llm's runtime, to size the start
 * card's model), some still arriving when it does: each one, once complete, is asked again through the worker
 * (mostly from the HTTP cache), which keeps it for offline use.
 */
function keepLoadedChunks(): void {
  const asked = new Set<string>();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const url = new URL(entry.name);
      if (url.origin !== location.origin || !CHUNK.test(url.pathname) || asked.has(url.href)) continue;
      asked.add(url.href);
      void fetch(url).catch(() => undefined);
    }
  }).observe({ type: 'resource', buffered: true });
}
