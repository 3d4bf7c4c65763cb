/**
 * Work-area categories for ideas. Each has a pictogram and a colour, and colour is never the only
 * signal (DESIGN.md). The colours are from the Okabe–Ito set, which stays distinguishable with the
 * common colour-vision differences. Facilities can replace the list (`facilities.settings`).
 */
export interface Category {
  id: string;
  /** Message key suffix for the label (`category.<id>`), or a facility's own label. */
  label: { ja: string; en: string };
  /** An emoji: rendered through the bundled pictogram set. */
  pictogram: string;
  colour: string;
}

export const DEFAULT_CATEGORIES: readonly Category[] = [
  { id: 'packing', label: { ja: 'はこづめ', en: 'Packing' }, pictogram: '📦', colour: '#E69F00' },
  { id: 'cooking', label: { ja: 'りょうり', en: 'Cooking' }, pictogram: '🍳', colour: '#D55E00' },
  { id: 'cleaning', label: { ja: 'そうじ', en: 'Cleaning' }, pictogram: '🧹', colour: '#56B4E9' },
  { id: 'craft', label: { ja: 'ものづくり', en: 'Craft' }, pictogram: '✂️', colour: '#009E73' },
  { id: 'delivery', label: { ja: 'とどける', en: 'Delivery' }, pictogram: '🚚', colour: '#0072B2' },
  { id: 'other', label: { ja: 'そのほか', en: 'Other' }, pictogram: '💡', colour: '#CC79A7' },
];
