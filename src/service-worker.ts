// Registers the service worker (offline app shell, installable page); a new version waits for the next visit.
/// <reference types="vite-plugin-pwa/client" />
import type { Site } from './lib/state/site.svelte.ts';

/**
 * The page is never reloaded for an update: the new worker waits until every tab of the old one has closed,
 * so an answer streaming now is never cut, and the page only says that the next visit gets the new version.
 */
export async function registerServiceWorker(site: Site): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
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
