/**
 * A reference server of the comparison benchmark, in a process of its own and in plain JavaScript,
 * run by plain `node` as it would be deployed (no TypeScript loader in its memory). `servers.ts`
 * forks it with `BENCH_COMPARE_SERVER` naming it, and talks to it over IPC: it sends `{ ready: url }`
 * once listening, and `{ op: 'close' }` closes it and ends the process.
 *
 * - `ywebsocket`: the y-websocket reference server (`@y/websocket-server` 0.1.1), no persistence,
 *   each document named by the path as its own bin does;
 * - `hocuspocus`: Hocuspocus 3.4 with no extensions, on the same HTTP and `ws` set-up.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** @param {(socket: import('ws').WebSocket, request: import('node:http').IncomingMessage) => void} onConnection */
async function listenWebsockets(onConnection) {
  const http = createServer((_, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request)));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function startYWebsocket() {
  // The reference server reads YPERSISTENCE at import: none, as in its default.
  delete process.env.YPERSISTENCE;
  const { setupWSConnection } = await import('@y/websocket-server/utils');
  return listenWebsockets((socket, request) => setupWSConnection(socket, request, { docName: (request.url ?? '/').slice(1).split('?')[0] }));
}

async function startHocuspocus() {
  const { Hocuspocus } = await import('@hocuspocus/server');
  const hocuspocus = new Hocuspocus({ quiet: true });
  return listenWebsockets((socket, request) => hocuspocus.handleConnection(socket, request));
}

const spec = JSON.parse(process.env.BENCH_COMPARE_SERVER ?? 'null');
if (!spec || !process.send) throw new Error('bench/compare/reference-server.mjs is forked by bench/compare/servers.ts');
// Never outlive the benchmark, whatever happened to it.
process.on('disconnect', () => process.exit());
const running = spec.kind === 'hocuspocus' ? await startHocuspocus() : await startYWebsocket();
process.on('message', (/** @type {{ op: string }} */ request) => {
  if (request.op !== 'close') return;
  void running.close().then(() => {
    process.send?.({ closed: true });
    process.disconnect();
  });
});
process.send({ ready: running.url });
