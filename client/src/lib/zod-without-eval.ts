/**
 * zod compiles object schemas with `new Function` when it may, and probes for that on first use.
 * The server's Content-Security-Policy forbids eval (docs/security.md), so the probe would be
 * reported as a violation on every page: tell zod to interpret instead. Imported first by main.ts,
 * before any module parses anything.
 */
import { z } from 'zod';

z.config({ jitless: true });
