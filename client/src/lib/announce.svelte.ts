/**
 * The board's one polite live region (components/LiveAnnouncer.svelte) and what it says: ideas
 * others post and the timer's milestones. One region, so a screen reader hears one queue rather
 * than several regions talking over each other; the answer to a person's own action (their votes
 * left included) stays in the action bar's message, which is already a live region.
 */

class Announcer {
  #text = $state('');

  get text(): string {
    return this.#text;
  }

  /** A region is read when its text changes: the same words twice get a silent space to be read again. */
  say(text: string): void {
    this.#text = text === this.#text ? `${text}\u00a0` : text;
  }

  /** Leaving a board: the next one does not open with the last one's words. */
  clear(): void {
    this.#text = '';
  }
}

export const announcer = new Announcer();
