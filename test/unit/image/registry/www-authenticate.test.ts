import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWwwAuthenticate } from '../../../../src/image/registry/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  test('reads a Docker Hub bearer challenge with quoted realm, service and scope', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"';
    assert.deepEqual(parseWwwAuthenticate(header), [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/busybox:pull',
        },
      },
    ]);
  });

  test('lower-cases scheme and parameter names, unquotes escapes and accepts unquoted tokens', () => {
    assert.deepEqual(parseWwwAuthenticate('BASIC Realm="a \\"quoted\\" realm", charset=UTF-8'), [
      { scheme: 'basic', params: { realm: 'a "quoted" realm', charset: 'UTF-8' } },
    ]);
  });

  test('splits several challenges in one header', () => {
    const challenges = parseWwwAuthenticate('Basic realm="r1", Bearer realm="https://t/token",scope="a b"');
    assert.deepEqual(
      challenges.map((c) => [c.scheme, c.params]),
      [
        ['basic', { realm: 'r1' }],
        ['bearer', { realm: 'https://t/token', scope: 'a b' }],
      ],
    );
  });

  test('returns no challenge for an empty header', () => {
    assert.deepEqual(parseWwwAuthenticate(''), []);
  });
});
