import { customAlphabet } from 'nanoid';

/** Ids for rows and for entries of the board document: short, random, URL-safe. */
export const newId: () => string = customAlphabet(
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  16,
);
