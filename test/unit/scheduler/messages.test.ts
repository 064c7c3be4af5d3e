import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitErrorMessage, preemptionMessage } from '../../../src/scheduler/messages.js';

describe('scheduler messages', () => {
  test('a fit error counts each reason and sorts them as Go strings', () => {
    assert.equal(
      fitErrorMessage(3, [
        ["node(s) didn't match Pod's node affinity/selector"],
        ['Insufficient cpu', 'Insufficient memory'],
        ['Insufficient cpu'],
      ]),
      "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.",
    );
  });

  test('the preemption message follows after the filter reasons with its own period', () => {
    const post = preemptionMessage(fitErrorMessage(1, [['Preemption is not helpful for scheduling']]));
    assert.equal(
      fitErrorMessage(1, [["node(s) didn't match Pod's node affinity/selector"]], post),
      "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });
});
