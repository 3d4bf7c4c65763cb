/**
 * What every staff page does when it opens: make sure someone is signed in (to the sign-in page if
 * not), then load its own data, once it knows the visitor is staff. A participant's session loads
 * nothing: the page says it is for staff.
 *
 * @example
 * onMount(() => openStaffPage({ load: loadLists, fail: (key) => (error = key) }));
 */
import type { MessageKey } from '../i18n/i18n.svelte';
import { session } from '../state/session.svelte';
import { errorMessage } from './errors';
import { router } from './router.svelte';

export function openStaffPage({ load, fail }: { load: () => Promise<void> | void; fail: (message: MessageKey) => void }): void {
  session.load().then(
    () => {
      const { state } = session.current;
      if (state === 'signedOut') router.navigate('/staff/login', { replace: true });
      else if (state === 'unreachable') fail('common.networkError');
      else if (session.me?.kind === 'staff') void load();
    },
    (failure: unknown) => fail(errorMessage(failure)),
  );
}
