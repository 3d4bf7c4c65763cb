import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The server serves the built client from dist/client; in `npm run dev` Vite serves it with hot
// reload and forwards the API and the websocket relay to the server.
const server = `http://127.0.0.1:${process.env.PORT ?? '8080'}`;

/** The weights the stylesheets ask for (`font-weight: 700` for headings and buttons, 400 elsewhere). */
const FONT_WEIGHTS = [400, 700] as const;

/**
 * `virtual:font-faces.css`: BIZ UDPGothic's @font-face rules, read from @fontsource's own
 * stylesheets for the weights the app uses, made smaller in two ways:
 *
 * - woff2 only. Every browser that runs the app (ES modules, Svelte 5) reads woff2, so the woff
 *   fallbacks were text in every rule and 248 files in every build that nobody fetches.
 * - Both weights of a subset side by side. Each Japanese subset's unicode-range is a few KB of
 *   code points; fontsource writes all of 400 and then all of 700, about 110 KB apart, beyond gzip's
 *   32 KB window, so every range was compressed twice. Next to each other the second costs nothing.
 *
 * Every subset is kept: the ranges are what let a browser fetch only the few files that the text
 * on screen needs (a board of ordinary Japanese fetches about a dozen of the 124), and a rare kanji
 * in someone's idea is still drawn in the same face as the rest.
 */
function fontFaces(): Plugin {
  const id = 'virtual:font-faces.css';
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('@fontsource/biz-udpgothic/400.css'));
  // A path inside the package, so that the rules' `./files/…` URLs resolve (and are emitted) as
  // they would from fontsource's own stylesheets.
  const resolved = path.join(packageDir, 'teian-font-faces.css');
  return {
    name: 'teian-font-faces',
    resolveId: (source) => (source === id ? resolved : undefined),
    load(loading) {
      if (loading !== resolved) return undefined;
      const bySubset = new Map<string, string[]>();
      for (const weight of FONT_WEIGHTS) {
        const css = readFileSync(path.join(packageDir, `${weight}.css`), 'utf8');
        for (const [, body = ''] of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
          const woff2 = /url\((\.\/files\/biz-udpgothic-(.+)-\d+-normal\.woff2)\)/.exec(body);
          const range = /unicode-range:\s*([^;]+);/.exec(body);
          if (!woff2?.[1] || !woff2[2] || !range?.[1]) throw new Error(`@fontsource/biz-udpgothic/${weight}.css: a rule without a woff2 file or a unicode-range`);
          const rule = `@font-face{font-family:'BIZ UDPGothic';font-style:normal;font-display:swap;font-weight:${weight};src:url(${woff2[1]}) format('woff2');unicode-range:${range[1]}}`;
          bySubset.set(woff2[2], [...(bySubset.get(woff2[2]) ?? []), rule]);
        }
      }
      return [...bySubset.values()].flat().join('\n');
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [svelte(), fontFaces()],
  resolve: {
    alias: [
      // Wherever zod enters the client's bundle (the staff pages, through shared/ schemas), it
      // comes through this module, which first tells it not to use eval (the CSP forbids it). So the
      // board, which parses nothing with zod, does not carry it at all.
      { find: /^zod$/, replacement: fileURLToPath(new URL('./client/src/lib/zod-without-eval.ts', import.meta.url)) },
      // Yjs's logging without lib0's DOM and schema modules, which it drags in (client/src/lib/lib0-logging.ts).
      { find: /^lib0\/logging$/, replacement: fileURLToPath(new URL('./client/src/lib/lib0-logging.ts', import.meta.url)) },
    ],
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // .vite/manifest.json: which chunks each page loads; tests/client-size.test.ts reads it.
    manifest: true,
    // Never a font subset or a pictogram inlined as a data: URL (Vite's default below 4 KiB): there
    // it is downloaded, in base64, by every page whether or not it shows it; as a file it is fetched
    // only when the text needs it (the unicode-range) or the picture is on screen. (The CSP allows no
    // data: images either.)
    assetsInlineLimit: (file) => (/\.(woff2|svg)$/.test(file) ? false : undefined),
    rolldownOptions: {
      output: {
        // Everything the first page imports statically (the board) in one chunk: left to itself,
        // Rolldown cuts out every module a lazy page shares with it (about twenty small chunks),
        // each compressed on its own and fetched in turn.
        // main.ts stays the entry chunk of its own, so the manifest still names index.html's entry.
        codeSplitting: { groups: [{ name: 'board', tags: ['$initial'], minShareCount: 2 }] },
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/yjs': { target: server, ws: true },
    },
  },
});
