import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SendWindows, StreamGoneError } from '../../../../src/apiserver/spdy/send-windows.js';

/** Whether a promise has settled by the time pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('SPDY send windows', () => {
  test('a peer that never did flow control is sent everything at once', async () => {
    const windows = new SendWindows(100);
    windows.open(1);
    assert.equal(await windows.reserve(1, 5000), 5000);
  });

  test('once enforced, a reservation gets what both the stream and the session windows allow', async () => {
    const windows = new SendWindows(100);
    windows.open(1);
    windows.grow(1, 50);
    assert.equal(await windows.reserve(1, 500), 100);
    const waiting = windows.reserve(1, 10);
    assert.equal(await settled(waiting), false);
    windows.grow(0, 4);
    assert.equal(await waiting, 4);
  });

  test('a window SETTINGS shrank below zero sends nothing but a FIN until credit lifts it above zero', async () => {
    const windows = new SendWindows(100);
    windows.open(1);
    assert.equal(await windows.reserve(1, 80), 80);
    windows.setInitial(10);
    assert.equal(await windows.reserve(1, 0), 0);
    const waiting = windows.reserve(1, 50);
    windows.grow(1, 60);
    assert.equal(await settled(waiting), false, 'the window is -10 after 60 of credit');
    windows.grow(1, 40);
    windows.grow(0, 1000);
    assert.equal(await waiting, 30);
  });

  test('a reservation waiting on a stream that goes away fails', async () => {
    const windows = new SendWindows(0);
    windows.open(1);
    windows.grow(0, 1);
    const waiting = windows.reserve(1, 10);
    windows.remove(1);
    await assert.rejects(waiting, StreamGoneError);
  });
});
