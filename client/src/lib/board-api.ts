/**
 * The calls the participant's board makes (its first download): who am I, sign out, a board token
 * for the websocket, and the board's context. Every other call is in lib/api.ts, which pages load
 * with their own chunks.
 */
import type { BoardContext, BoardToken, Me } from '../../../shared/api';
import { request } from './request';

const enc = encodeURIComponent;

export const boardApi = {
  me: () => request<Me>('GET', '/api/me'),
  logout: () => request<unknown>('POST', '/api/auth/logout'),
  boardToken: (id: string) => request<BoardToken>('GET', `/api/boards/${enc(id)}/token`),
  boardContext: (id: string) => request<BoardContext>('GET', `/api/boards/${enc(id)}/context`),
};
