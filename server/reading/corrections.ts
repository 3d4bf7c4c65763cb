/**
 * Staff's corrections of readings, one per surface in a facility (drizzle/schema.ts
 * `reading_corrections`; docs/furigana.md, "Corrections"). Every query names the facility.
 */
import { and, asc, eq } from 'drizzle-orm';
import { readingCorrections } from '../../drizzle/schema';
import type { ReadingCorrection } from '../../shared/reading';
import type { Database } from '../db/database';
import type { Correction } from './reading';

export interface CorrectionStore {
  /** What the reading function needs: surface and reading, nothing else. */
  active(facilityId: string): Promise<Correction[]>;
  list(facilityId: string): Promise<ReadingCorrection[]>;
  /** Sets (or replaces) the reading of a surface. */
  put(facilityId: string, correction: Correction, staffId: string): Promise<ReadingCorrection>;
  /** Whether there was one to remove. */
  remove(facilityId: string, surface: string): Promise<boolean>;
}

export function createCorrectionStore(db: Database): CorrectionStore {
  const toCorrection = (row: typeof readingCorrections.$inferSelect): ReadingCorrection => ({
    surface: row.surface,
    reading: row.reading,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  });
  return {
    active: (facilityId) =>
      db
        .select({ surface: readingCorrections.surface, reading: readingCorrections.reading })
        .from(readingCorrections)
        .where(eq(readingCorrections.facilityId, facilityId)),

    async list(facilityId) {
      const rows = await db
        .select()
        .from(readingCorrections)
        .where(eq(readingCorrections.facilityId, facilityId))
        .orderBy(asc(readingCorrections.surface));
      return rows.map(toCorrection);
    },

    async put(facilityId, { surface, reading }, staffId) {
      const values = { facilityId, surface, reading, updatedBy: staffId, updatedAt: new Date() };
      const [row] = await db
        .insert(readingCorrections)
        .values(values)
        .onConflictDoUpdate({
          target: [readingCorrections.facilityId, readingCorrections.surface],
          set: { reading, updatedBy: staffId, updatedAt: values.updatedAt },
        })
        .returning();
      return toCorrection(row!);
    },

    async remove(facilityId, surface) {
      const removed = await db
        .delete(readingCorrections)
        .where(and(eq(readingCorrections.facilityId, facilityId), eq(readingCorrections.surface, surface)))
        .returning({ surface: readingCorrections.surface });
      return removed.length > 0;
    },
  };
}
