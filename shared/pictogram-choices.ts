/**
 * What staff may pick from: the avatars of the roster's name cards, the pictograms and colours of
 * the work-area categories. Each pictogram is drawn from the bundled Fluent Emoji Flat set
 * (client/scripts/pictograms.ts bundles every one of them; tests/roster-api.test.ts checks it) and
 * has a name (`pictogram.<name>` in the client's message files) for screen readers and for a
 * person who cannot tell what the picture shows.
 *
 * The avatars are friendly and plain, for adults: animals, plants, food, the sky and a few
 * pastimes; nothing babyish, no faces that could read as a mood, nothing a person could be teased
 * with.
 */

export interface PictogramChoice {
  /** The emoji as stored (`avatar`, `Category.pictogram`). */
  emoji: string;
  /** Message key suffix: `pictogram.<name>`. */
  name: string;
}

export const AVATAR_CHOICES = [
  { emoji: '🐶', name: 'dog' },
  { emoji: '🐱', name: 'cat' },
  { emoji: '🐰', name: 'rabbit' },
  { emoji: '🐻', name: 'bear' },
  { emoji: '🐼', name: 'panda' },
  { emoji: '🐨', name: 'koala' },
  { emoji: '🐯', name: 'tiger' },
  { emoji: '🦁', name: 'lion' },
  { emoji: '🐸', name: 'frog' },
  { emoji: '🐧', name: 'penguin' },
  { emoji: '🐦', name: 'bird' },
  { emoji: '🐢', name: 'turtle' },
  { emoji: '🐟', name: 'fish' },
  { emoji: '🐬', name: 'dolphin' },
  { emoji: '🦋', name: 'butterfly' },
  { emoji: '🐝', name: 'bee' },
  { emoji: '🌻', name: 'sunflower' },
  { emoji: '🌷', name: 'tulip' },
  { emoji: '🌸', name: 'cherryBlossom' },
  { emoji: '🌼', name: 'blossom' },
  { emoji: '🍀', name: 'clover' },
  { emoji: '🌵', name: 'cactus' },
  { emoji: '🍎', name: 'apple' },
  { emoji: '🍊', name: 'tangerine' },
  { emoji: '🍓', name: 'strawberry' },
  { emoji: '🍇', name: 'grapes' },
  { emoji: '🍌', name: 'banana' },
  { emoji: '🍙', name: 'riceBall' },
  { emoji: '☕', name: 'coffee' },
  { emoji: '🌞', name: 'sun' },
  { emoji: '🌙', name: 'moon' },
  { emoji: '⭐', name: 'star' },
  { emoji: '🌈', name: 'rainbow' },
  { emoji: '⚽', name: 'ball' },
  { emoji: '🎵', name: 'music' },
  { emoji: '🎸', name: 'guitar' },
  { emoji: '🚗', name: 'car' },
  { emoji: '🚃', name: 'train' },
  { emoji: '✈️', name: 'airplane' },
  { emoji: '📚', name: 'books' },
] as const satisfies readonly PictogramChoice[];

/** Pictograms for work areas: the default categories' and the ones a workshop is likely to add. */
export const CATEGORY_PICTOGRAMS = [
  { emoji: '📦', name: 'box' },
  { emoji: '🍳', name: 'pan' },
  { emoji: '🧹', name: 'broom' },
  { emoji: '✂️', name: 'scissors' },
  { emoji: '🚚', name: 'truck' },
  { emoji: '💡', name: 'lightBulb' },
  { emoji: '🧺', name: 'basket' },
  { emoji: '🌱', name: 'seedling' },
  { emoji: '🪴', name: 'pottedPlant' },
  { emoji: '🍞', name: 'bread' },
  { emoji: '☕', name: 'coffee' },
  { emoji: '🧵', name: 'thread' },
  { emoji: '🎨', name: 'paints' },
  { emoji: '🧼', name: 'soap' },
  { emoji: '🔧', name: 'wrench' },
  { emoji: '🛒', name: 'cart' },
  { emoji: '🧾', name: 'receipt' },
  { emoji: '📋', name: 'clipboard' },
  { emoji: '💻', name: 'computer' },
  { emoji: '🖨️', name: 'printer' },
  { emoji: '🏷️', name: 'label' },
  { emoji: '🚲', name: 'bicycle' },
] as const satisfies readonly PictogramChoice[];

/**
 * Category colours: the Okabe–Ito set, which stays distinguishable with the common colour-vision
 * differences (DESIGN.md). A colour only ever edges a tile beside its pictogram and word.
 */
export const CATEGORY_COLOURS = [
  { colour: '#E69F00', name: 'orange' },
  { colour: '#56B4E9', name: 'skyBlue' },
  { colour: '#009E73', name: 'green' },
  { colour: '#F0E442', name: 'yellow' },
  { colour: '#0072B2', name: 'blue' },
  { colour: '#D55E00', name: 'vermilion' },
  { colour: '#CC79A7', name: 'pink' },
  { colour: '#000000', name: 'black' },
] as const;

/** The same emoji with or without the variation selector U+FE0F (`✂️` and `✂`). */
export function samePictogram(a: string, b: string): boolean {
  return a.replace(/\uFE0F/g, '') === b.replace(/\uFE0F/g, '');
}

/** The choice in `choices` that draws `emoji`, if any. */
export function findPictogram<Choice extends PictogramChoice>(choices: readonly Choice[], emoji: string): Choice | undefined {
  return choices.find((choice) => samePictogram(choice.emoji, emoji));
}
