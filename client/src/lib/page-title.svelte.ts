import { t } from '../i18n/i18n.svelte';

/**
 * Keeps `document.title` on the current page's heading, in the current language. An empty heading
 * leaves the title to a nested component that knows better.
 */
export function usePageTitle(heading: () => string): void {
  $effect(() => {
    const page = heading();
    if (page) document.title = t('app.pageTitle', { page });
  });
}
