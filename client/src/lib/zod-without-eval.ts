/**
 * zod compiles object schemas with `new Function` when it may, and probes for that on first use.
 * The server's Content-Security-Policy forbids eval (docs/security.md), so the probe would be
 * reported as a violation on every page: tell zod to interpret instead.
 *
 * In the client's build this module *is* `zod` (vite.config.ts aliases the bare name here), so every
 * module that imports zod gets it already told, and only the chunks that use zod carry it.
 */
import { z } from 'zod/v4';

z.config({ jitless: true });

export * from 'zod/v4';
