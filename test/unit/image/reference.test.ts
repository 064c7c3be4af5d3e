import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidImageNameError } from '../../../src/image/errors.js';
import {
  formatImageReference,
  normalizeImageReference,
  parseImageReference,
  repositoryOf,
} from '../../../src/image/reference.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

// Expected results follow distribution/reference's normalize_test.go and reference_test.go.
const valid: ReadonlyArray<[string, string]> = [
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['index.docker.io/library/busybox:1', 'docker.io/library/busybox:1'],
  ['user/repo', 'docker.io/user/repo:latest'],
  ['localhost/repo', 'localhost/repo:latest'],
  ['localhost:5000/repo:tag', 'localhost:5000/repo:tag'],
  ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
  ['quay.io/a/b/c:v1.0_rc-1', 'quay.io/a/b/c:v1.0_rc-1'],
  ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b:latest'],
  ['[::1]:5000/repo:tag', '[::1]:5000/repo:tag'],
  ['Example.com/repo', 'Example.com/repo:latest'],
  ['UPPER/repo', 'UPPER/repo:latest'],
  ['a__b/c.d/e-f/g---h', 'docker.io/a__b/c.d/e-f/g---h:latest'],
  [`repo@${DIGEST}`, `docker.io/library/repo@${DIGEST}`],
  [`repo:1.0@${DIGEST}`, `docker.io/library/repo:1.0@${DIGEST}`],
  [`repo:${'t'.repeat(128)}`, `docker.io/library/repo:${'t'.repeat(128)}`],
];

const invalid: ReadonlyArray<[string, string]> = [
  ['', 'invalid reference format'],
  ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
  [
    'docker.io/Library/busybox',
    'invalid reference format: repository name (Library/busybox) must be lowercase',
  ],
  ['repo:tag:extra', 'invalid reference format'],
  ['a/b/', 'invalid reference format'],
  ['-repo', 'invalid reference format'],
  ['repo_', 'invalid reference format'],
  ['a..b', 'invalid reference format'],
  ['repo:tag with space', 'invalid reference format'],
  [`repo:${'t'.repeat(129)}`, 'invalid reference format'],
  ['repo@sha256:abc', 'invalid reference format'],
  [`repo@sha256:${'a'.repeat(32)}`, 'invalid checksum digest length'],
  [`repo@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
  [`repo@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
  ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
  [`example.com/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
];

describe('normalizeImageReference', () => {
  for (const [input, expected] of valid) {
    test(`normalises ${JSON.stringify(input.slice(0, 60))} to ${expected.slice(0, 60)}`, () => {
      assert.equal(normalizeImageReference(input), expected);
    });
  }

  for (const [input, message] of invalid) {
    test(`refuses ${JSON.stringify(input.slice(0, 60))} with "${message.slice(0, 70)}"`, () => {
      assert.throws(
        () => normalizeImageReference(input),
        (e: unknown) => e instanceof InvalidImageNameError && e.message === message && e.reference === input,
      );
    });
  }

  test('splits a reference into domain, path, tag and digest', () => {
    assert.deepEqual(parseImageReference(`localhost:5000/team/app:v2@${DIGEST}`), {
      domain: 'localhost:5000',
      path: 'team/app',
      tag: 'v2',
      digest: DIGEST,
    });
    assert.deepEqual(parseImageReference('busybox'), { domain: 'docker.io', path: 'library/busybox' });
    assert.equal(repositoryOf(parseImageReference('busybox:1')), 'docker.io/library/busybox');
  });
});

const alphanumeric = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const pathComponent = fc
  .tuple(
    alphanumeric,
    fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '---'), alphanumeric), { maxLength: 2 }),
  )
  .map(([first, rest]) => first + rest.map(([sep, part]) => sep + part).join(''));
const reference = fc.record({
  domain: fc.option(
    fc.constantFrom('localhost', 'localhost:5000', 'example.com', 'reg.example.com:443', '[::1]:5000'),
  ),
  path: fc.array(pathComponent, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
  tag: fc.option(fc.stringMatching(/^[\w][\w.-]{0,20}$/)),
  digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`)),
});
/** A first path component that reads as a host (a dot, or localhost) is a domain, so such names get a real one. */
const looksLikeHost = (path: string): boolean => /^[^/]*\./.test(path) || /^localhost(\/|$)/.test(path);
const referenceString = reference.map(({ domain, path, tag, digest }) => {
  const prefix = domain ?? (looksLikeHost(path) ? 'example.com' : null);
  return `${prefix === null ? '' : `${prefix}/`}${path}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
});

describe('reference properties', () => {
  test('every reference of the grammar parses, and normalising is idempotent', () => {
    fc.assert(
      fc.property(referenceString, (input) => {
        const normalized = normalizeImageReference(input);
        assert.equal(normalizeImageReference(normalized), normalized);
        assert.equal(formatImageReference(parseImageReference(normalized)), normalized);
      }),
    );
  });

  test('a reference keeps its tag and digest and gains a domain, and latest only when it has neither', () => {
    fc.assert(
      fc.property(reference, ({ domain, path, tag, digest }) => {
        const input = `${domain ?? 'example.org'}/${path}${tag === null ? '' : `:${tag}`}${digest === null ? '' : `@${digest}`}`;
        const parsed = parseImageReference(normalizeImageReference(input));
        assert.equal(parsed.domain, domain ?? 'example.org');
        assert.equal(parsed.path, path);
        assert.equal(parsed.digest, digest ?? undefined);
        assert.equal(parsed.tag, tag ?? (digest === null ? 'latest' : undefined));
      }),
    );
  });

  test('a name whose first component cannot be a host goes to docker.io, and a single component to library/', () => {
    const notAHost = pathComponent.filter((c) => !looksLikeHost(c));
    fc.assert(
      fc.property(notAHost, pathComponent, (a, b) => {
        assert.equal(repositoryOf(parseImageReference(a)), `docker.io/library/${a}`);
        assert.equal(repositoryOf(parseImageReference(`${a}/${b}`)), `docker.io/${a}/${b}`);
      }),
    );
  });

  test('any string either parses or fails with InvalidImageNameError, quickly', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300, unit: fc.constantFrom(...'aA0:/@._-[]%'.split('')) }),
        (input) => {
          const started = performance.now();
          try {
            parseImageReference(input);
          } catch (e) {
            assert.ok(e instanceof InvalidImageNameError, String(e));
          }
          assert.ok(performance.now() - started < 50, 'no catastrophic backtracking');
        },
      ),
    );
  });
});
