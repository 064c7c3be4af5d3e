import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DockerConfigError,
  parseDockerConfig,
  registryHostOf,
} from '../../../../src/image/registry/docker-config.js';

const auth = (userPass: string): string => Buffer.from(userPass).toString('base64');

describe('parseDockerConfig', () => {
  test('decodes base64 auth entries by host:port, splitting at the first colon only', () => {
    const config = JSON.stringify({ auths: { '127.0.0.1:5000': { auth: auth('alice:pa:ss') } } });
    assert.deepEqual(
      parseDockerConfig(config, 'test'),
      new Map([['127.0.0.1:5000', { username: 'alice', password: 'pa:ss' }]]),
    );
  });

  test('accepts username and password fields and URL keys, mapping Docker Hub aliases to docker.io', () => {
    const config = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { username: 'bob', password: 'secret' },
        'https://Registry.Example.com:8443/v2/': { auth: auth('carol:pw') },
      },
    });
    assert.deepEqual(
      [...parseDockerConfig(config, 'test').keys()],
      ['docker.io', 'registry.example.com:8443'],
    );
  });

  test('reads a kubernetes.io/dockerconfigjson secret payload the same way', () => {
    const secretData = Buffer.from(JSON.stringify({ auths: { 'r.io': { auth: auth('u:p') } } })).toString(
      'base64',
    );
    const credentials = parseDockerConfig(Buffer.from(secretData, 'base64').toString('utf8'), 'secret');
    assert.deepEqual(credentials.get('r.io'), { username: 'u', password: 'p' });
  });

  test('refuses invalid JSON, a missing auths object and entries without credentials, naming the source', () => {
    assert.throws(() => parseDockerConfig('{', 'cfg.json'), /registry config cfg.json: is not valid JSON/);
    assert.throws(() => parseDockerConfig('{}', 'cfg.json'), DockerConfigError);
    assert.throws(
      () => parseDockerConfig(JSON.stringify({ auths: { h: { auth: auth('nocolon') } } }), 'c'),
      /auths\["h"\]\.auth is not base64 of "user:password"/,
    );
    assert.throws(
      () => parseDockerConfig(JSON.stringify({ auths: { h: {} } }), 'c'),
      /neither "auth" nor "username" and "password"/,
    );
  });
});

describe('registryHostOf', () => {
  test('keeps a bare host:port and strips scheme and path from a URL', () => {
    assert.equal(registryHostOf('localhost:5000'), 'localhost:5000');
    assert.equal(registryHostOf('http://localhost:5000/v1/'), 'localhost:5000');
    assert.equal(registryHostOf('registry-1.docker.io'), 'docker.io');
  });
});
