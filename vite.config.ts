import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The server serves the built client from dist/client; in `npm run dev` Vite serves it with hot
// reload and forwards the API and the websocket relay to the server.
const server = `http://127.0.0.1:${process.env.PORT ?? '8080'}`;

export default defineConfig({
  root: 'client',
  plugins: [svelte()],
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: {
    proxy: {
      '/api': server,
      '/yjs': { target: server, ws: true },
    },
  },
});
