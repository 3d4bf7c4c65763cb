/**
 * The board's tools that only staff see: the facilitator's panel (phases, timer, meetings, settings,
 * the join QR), each card's tidying menu, the merge and make-project dialogs, the staff links.
 * BoardView imports this module only when staff open the board, so it is a chunk of its own that a
 * participant's device never downloads (tests/client-size.test.ts).
 */
export { default as FacilitatorPanel } from './FacilitatorPanel.svelte';
export { default as IdeaStaffMenu } from './IdeaStaffMenu.svelte';
export { default as MergeDialog } from './MergeDialog.svelte';
export { default as MakeProjectDialog } from './MakeProjectDialog.svelte';
export { default as StaffNav } from './StaffNav.svelte';
