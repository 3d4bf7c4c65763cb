/**
 * The transport adapter: accepts `GET /yjs/:boardId?token=…` upgrades on the HTTP server with `ws`,
 * refuses a bad token before the upgrade completes (so nothing of the board is ever sent), and
 * hands each socket to the room registry as a `Connection`.
 */
import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BoardTokens } from '../auth/board-tokens';
import type { SyncLimits } from '../config';
import type { Logger } from '../log';
import { ACKS_PARAM, NOTICES_PARAM } from '../../shared/sync-messages';
import { Connection, type ConnectionLimits } from './connection';
import type { RoomRegistry } from './registry';

export interface RelayOptions {
  registry: RoomRegistry;
  tokens: BoardTokens;
  limits: ConnectionLimits & Pick<SyncLimits, 'maxMessageBytes'>;
  log: Logger;
  /** How often to ping, to find connections whose peer vanished without closing. */
  heartbeatMs?: number;
}

const PATH = /^\/yjs\/([^/]+)$/;

/** What the relay tells `/metrics`: bytes written to its sockets that the kernel has not taken yet. */
export interface OutboundBuffers {
  totalBytes: number;
  maxBytes: number;
}

export function attachRelay(server: Server, options: RelayOptions): { close(): void; outboundBuffers(): OutboundBuffers } {
  const { registry, tokens, limits, log, heartbeatMs = 30_000 } = options;
  // ws closes an oversized message with 1009 (message too big), before any of it is decoded.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  const connections = new WeakMap<WebSocket, Connection>();

  // One listener of each kind for every socket (ws calls it with the socket as `this`), not closures
  // made per socket: an idle connection then keeps nothing of its upgrade but its `Connection`.
  function onPong(this: WebSocket): void {
    alive.set(this, true);
  }
  function onMessage(this: WebSocket, data: Buffer): void {
    connections.get(this)?.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  function onClose(this: WebSocket): void {
    registry.socketClosed();
    connections.get(this)?.closed();
  }
  function onError(this: WebSocket, error: Error): void {
    log.warn('websocket error', { boardId: connections.get(this)?.boardId, error });
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void upgrade(request, socket, head).catch((error: unknown) => {
      log.error('websocket upgrade failed', { error });
      refuse(socket, 500, 'internal error');
    });
  });

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match?.[1]) return refuse(socket, 404, 'no such endpoint');
    const boardId = decodeURIComponent(match[1]);
    const check = await tokens.check(url.searchParams.get('token') ?? undefined, boardId);
    if (!check.ok) return refuse(socket, check.status, check.reason);

    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection({
        // A ws socket is a `Transport` as it is: no wrapper (and no closures) per socket.
        transport: ws,
        actor: check.actor,
        boardId,
        wantsAcks: url.searchParams.get(ACKS_PARAM) === '1',
        wantsNotices: url.searchParams.get(NOTICES_PARAM) === '1',
        expiresAt: check.expiresAt,
        viewerGeneration: check.viewerGeneration,
        limits,
      });
      connections.set(ws, connection);
      alive.set(ws, true);
      ws.on('pong', onPong);
      ws.on('message', onMessage);
      registry.socketOpened();
      ws.on('close', onClose);
      ws.on('error', onError);
      registry.connect(connection);
    });
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      // A socket we are not reading cannot show us its pongs; it is held, not dead.
      if (connections.get(ws)?.isHeld) {
        alive.set(ws, true);
        continue;
      }
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  return {
    outboundBuffers() {
      let totalBytes = 0;
      let maxBytes = 0;
      for (const ws of wss.clients) {
        totalBytes += ws.bufferedAmount;
        maxBytes = Math.max(maxBytes, ws.bufferedAmount);
      }
      return { totalBytes, maxBytes };
    },
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
