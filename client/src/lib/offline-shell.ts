/**
 * Registers the service worker (client/public/sw.js) that keeps the app shell on the device, so a
 * board reloaded without a connection still opens from IndexedDB. Only in a production build: in
 * `npm run dev` a kept shell would hide Vite's fresh modules.
 */
export function keepShellOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // The default buffer of 250 entries can fill (pictograms, font subsets) before the list below is read.
  performance.setResourceTimingBufferSize(1000);
  navigator.serviceWorker.register('/sw.js').then(
    async () => {
      const ready = await navigator.serviceWorker.ready;
      // The font subsets for the UI's own words, so they are there offline however little was shown.
      // A chunk of its own: the board's first download does not wait for it.
      await import('./ui-fonts').then(({ loadUiFonts }) => loadUiFonts()).catch(() => {});
      // The board's projects view, a chunk the first download leaves out: offline it must be here.
      await import('../components/board-projects').catch(() => {});
      // Files this page loaded before the worker took over (the fonts above all): keep them too.
      const urls = performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => new URL(name).origin === location.origin && new URL(name).pathname.startsWith('/assets/'));
      ready.active?.postMessage({ type: 'keep', urls });
    },
    () => {
      // No service worker (private mode, an old tablet): the board still works while online.
    },
  );
}
