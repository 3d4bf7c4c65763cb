/**
 * What the guard asks about each changed entry that has the board's shape: may this actor make
 * this change? The server enforces spec 6 with `enforceRules`; the benchmark that measures what the
 * rules cost passes `allowAll`, which still lets the guard read every change, so history is derived
 * the same way in every configuration.
 */
import { checkChange, type EntryChange, type RuleActor, type RuleContext, type Violation } from '../../shared/permissions';

export type ChangePolicy = (actor: RuleActor, change: EntryChange, context: RuleContext) => Violation | null;

/** Spec 6, as `shared/permissions.ts` writes it. */
export const enforceRules: ChangePolicy = checkChange;

/** Every well-formed change is allowed (benchmarks only; malformed entries are still refused). */
export const allowAll: ChangePolicy = function allowAll() {
  return null;
};
