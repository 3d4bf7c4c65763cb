/**
 * The facility's settings that staff change from the staff page (docs/api.md, "Facility
 * settings"): its work-area categories. They live in `facilities.settings.categories`, where the
 * board context reads them (server/http/board-context.ts); every other key of the settings is kept.
 */
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { facilityCategoriesBody, type FacilityCategories } from '../../shared/api';
import { DEFAULT_CATEGORIES, type Category } from '../../shared/categories';
import { newId } from '../../shared/ids';
import { facilities } from '../../drizzle/schema';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { validate } from './validate';

export function facilityRoutes({ db }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireStaff)
    .get('/categories', async (c) => {
      const [facility] = await db
        .select({ settings: facilities.settings })
        .from(facilities)
        .where(eq(facilities.id, staffOf(c).facilityId));
      return c.json(configuredCategories(facility?.settings));
    })

    // The whole list at once: adding, removing and reordering are one change, never half of one.
    .put('/categories', validate('json', facilityCategoriesBody), async (c) => {
      const categories: Category[] = c.req.valid('json').categories.map(({ id, label, pictogram, colour }) => ({
        id: id ?? newId(),
        label: { ja: label.ja, en: label.en || label.ja },
        pictogram,
        colour,
      }));
      // `||` merges into what is there, in the database, so a concurrent change of another key survives.
      await db
        .update(facilities)
        .set({ settings: sql`${facilities.settings} || ${JSON.stringify({ categories })}::jsonb` })
        .where(eq(facilities.id, staffOf(c).facilityId));
      return c.json({ categories, configured: true } satisfies FacilityCategories);
    });
}

/** The facility's own list when it has one, else the defaults; the board context reads it too. */
export function configuredCategories(settings: unknown): FacilityCategories {
  const configured = (settings as { categories?: unknown } | null | undefined)?.categories;
  return Array.isArray(configured) && configured.length > 0
    ? { categories: configured as Category[], configured: true }
    : { categories: [...DEFAULT_CATEGORIES], configured: false };
}
