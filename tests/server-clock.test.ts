/**
 * [docs/client.md "Server clock"] The client's estimate of the server's clock, with hand-driven
 * wall and monotonic clocks: the offset from the midpoint of a round trip, the best sample kept.
 */
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { encodeTimeAnswer, MESSAGE_TIME, readTimeAnswer, readTimeRequest } from '../shared/sync-messages';
import { ServerClock } from '../client/src/lib/server-clock';

/** A device whose clocks the test moves; `ask` sends a request, `answer` brings the reply. */
function device(wallStart = 1_000_000) {
  let wall = wallStart;
  let monotonic = 0;
  const clock = new ServerClock({ wall: () => wall, monotonic: () => monotonic });
  const elapse = (ms: number) => {
    wall += ms;
    monotonic += ms;
  };
  return {
    clock,
    elapse,
    /** The device's own clock is set (by the system), without time passing. */
    setWall: (to: number) => (wall = to),
    ask(): number {
      const decoder = decoding.createDecoder(clock.request());
      expect(decoding.readVarUint(decoder)).toBe(MESSAGE_TIME);
      return readTimeRequest(decoder);
    },
    answer(requestId: number, serverTime: number) {
      const decoder = decoding.createDecoder(encodeTimeAnswer(requestId, serverTime));
      decoding.readVarUint(decoder);
      return clock.receive(readTimeAnswer(decoder));
    },
  };
}

describe('the server clock', () => {
  it('reads the device clock until the server answers', () => {
    const { clock } = device(5_000);
    expect(clock.offset).toBeNull();
    expect(clock.now()).toBe(5_000);
  });

  it('puts the server’s answer at the midpoint of the round trip', () => {
    const { clock, elapse, ask, answer } = device(1_000_000);
    const id = ask();
    elapse(100);
    // The server read its clock when the request was half-way: device time 1_000_050.
    expect(answer(id, 1_004_050)).toEqual({ offset: 4_000, roundTrip: 100 });
    expect(clock.offset).toBe(4_000);
    elapse(1_000);
    expect(clock.now()).toBe(1_005_100);
  });

  it('keeps the sample with the shortest round trip', () => {
    const { clock, elapse, ask, answer } = device();
    const first = ask();
    elapse(100);
    answer(first, 1_004_050);
    const slow = ask();
    elapse(300);
    answer(slow, 1_000_100 + 4_100 + 150); // offset 4_100 ± 150: agrees, but is worse
    expect(clock.offset).toBe(4_000);
    const fast = ask();
    elapse(20);
    answer(fast, 1_000_400 + 4_010 + 10); // offset 4_010 ± 10
    expect(clock.offset).toBe(4_010);
    expect(clock.roundTrip).toBe(20);
  });

  it('starts over when the device’s own clock was changed meanwhile', () => {
    const { clock, elapse, setWall, ask, answer } = device(1_000_000);
    const first = ask();
    elapse(20);
    answer(first, 1_004_010);
    expect(clock.offset).toBe(4_000);
    // The tablet synced its clock a minute back on waking; the server's did not move.
    setWall(1_000_020 - 60_000);
    const later = ask();
    elapse(200);
    const sample = answer(later, 1_004_020 + 100);
    expect(sample?.offset).toBe(64_000);
    expect(clock.offset).toBe(64_000);
  });

  it('ignores an answer to a request it did not send, or one it had given up on', () => {
    const { clock, ask, answer } = device();
    expect(answer(999, 5)).toBeNull();
    const oldest = ask();
    for (let i = 0; i < 8; i++) ask();
    expect(answer(oldest, 5)).toBeNull();
    expect(clock.offset).toBeNull();
  });
});
