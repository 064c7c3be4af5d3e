import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopSignal } from '../../../src/runtime/oci/container-spec.js';

describe('stopSignal', () => {
  const table: [string | undefined, string][] = [
    [undefined, 'SIGTERM'],
    ['', 'SIGTERM'],
    ['SIGQUIT', 'SIGQUIT'],
    ['QUIT', 'SIGQUIT'],
    ['sigint', 'SIGINT'],
    ['9', 'SIGKILL'],
    ['15', 'SIGTERM'],
    ['SIGWINCH', 'SIGWINCH'],
    ['IOT', 'SIGABRT'],
    ['SIGPOLL', 'SIGIO'],
    ['SIGRTMIN+3', '37'],
    ['RTMAX', '64'],
    ['RTMAX-1', '63'],
    ['40', '40'],
    ['0', 'SIGTERM'],
    ['99', 'SIGTERM'],
    ['SIGNOPE', 'SIGTERM'],
    ['RTMIN+16', 'SIGTERM'],
  ];
  for (const [raw, expected] of table) {
    test(`turns STOPSIGNAL ${JSON.stringify(raw)} into ${expected}`, () => {
      assert.equal(stopSignal(raw === undefined ? {} : { StopSignal: raw }), expected);
    });
  }
});
