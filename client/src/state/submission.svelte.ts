/**
 * One form's submission: at most one request at a time, and the message of its last failure.
 * Staff forms all need exactly this; keeping it here keeps their `submit` functions to what they do.
 */
import type { MessageKey } from '../i18n/i18n.svelte';

export class Submission {
  busy = $state(false);
  error = $state<MessageKey | null>(null);

  /** Runs `action` unless one is already running; a failure becomes `error` through `describe`. */
  async run(action: () => Promise<void>, describe: (failure: unknown) => MessageKey): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await action();
    } catch (failure) {
      this.error = describe(failure);
    } finally {
      this.busy = false;
    }
  }
}
