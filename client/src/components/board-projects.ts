/**
 * The board's projects view, which a participant needs only once the meeting reaches its projects
 * phase: a chunk of its own, so that the board's first download stays within its budget
 * (tests/client-size.test.ts). BoardView fetches it when the view opens, and lib/offline-shell.ts
 * fetches it once the service worker is ready, so that a device that goes offline still has it.
 */
export { default as ProjectsView } from './ProjectsView.svelte';
export { default as ProjectCard } from './ProjectCard.svelte';

