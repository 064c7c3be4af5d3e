import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from '../../../src/api/names.js';

const labelRegexMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainRegexMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qualifiedNameRegexMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

// Generators for the grammar itself: a DNS-1123 label is alphanumerics with inner dashes.
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const labelChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''));
const dnsLabel = fc
  .tuple(alnum, fc.array(labelChar, { maxLength: 61 }), alnum)
  .map(([first, middle, last]) => first + middle.join('') + last);

describe('isDNS1123Label', () => {
  test('accepts a lowercase name with inner dashes', () => {
    assert.deepEqual(isDNS1123Label('my-name-1'), []);
  });

  test('explains the regex for an upper-case name', () => {
    assert.deepEqual(isDNS1123Label('My-Name'), [labelRegexMsg]);
  });

  test('says dots are the problem for a valid subdomain', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  });

  test('reports both length and format for a long bad name', () => {
    assert.deepEqual(isDNS1123Label(`${'a'.repeat(63)}-`), [
      'must be no more than 63 characters',
      labelRegexMsg,
    ]);
  });

  test('accepts every label the grammar generates', () => {
    fc.assert(fc.property(dnsLabel, (name) => isDNS1123Label(name).length === 0));
  });

  test('rejects a label with a leading or trailing dash', () => {
    fc.assert(
      fc.property(
        dnsLabel,
        fc.boolean(),
        (name, leading) => isDNS1123Label(leading ? `-${name}` : `${name}-`).length > 0,
      ),
    );
  });

  test('rejects any label containing a character outside [a-z0-9-]', () => {
    const bad = fc.constantFrom(...'ABZ_.:/ é'.split(''));
    fc.assert(fc.property(dnsLabel, bad, (name, ch) => isDNS1123Label(name + ch + name).length > 0));
  });
});

describe('isDNS1123Subdomain', () => {
  test('accepts dotted labels', () => {
    assert.deepEqual(isDNS1123Subdomain('example.com'), []);
  });

  test('explains the regex for an underscore', () => {
    assert.deepEqual(isDNS1123Subdomain('A_b'), [subdomainRegexMsg]);
  });

  test('limits the name to 253 characters', () => {
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  test('accepts dot-joined labels up to 253 characters', () => {
    fc.assert(
      fc.property(fc.array(dnsLabel, { minLength: 1, maxLength: 6 }), (labels) => {
        const name = labels.join('.');
        return name.length > 253 || isDNS1123Subdomain(name).length === 0;
      }),
    );
  });

  test('allows a trailing dash in a generateName prefix only', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  });
});

describe('isDNS1035Label', () => {
  test('rejects a leading digit with its own message', () => {
    assert.deepEqual(isDNS1035Label('1abc'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  test('accepts every DNS-1123 label that starts with a letter', () => {
    fc.assert(fc.property(dnsLabel, (name) => /^[0-9]/.test(name) || isDNS1035Label(name).length === 0));
  });
});

describe('isQualifiedName', () => {
  test('accepts a prefixed key', () => {
    assert.deepEqual(isQualifiedName('app.kubernetes.io/name'), []);
  });

  test('reports an empty name part', () => {
    assert.deepEqual(isQualifiedName('example.com/'), [
      'name part must be non-empty',
      `name part ${qualifiedNameRegexMsg}`,
    ]);
  });

  test('reports an empty prefix', () => {
    assert.deepEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
  });

  test('reports a bad prefix as a prefix part', () => {
    assert.deepEqual(isQualifiedName('Example.com/name'), [`prefix part ${subdomainRegexMsg}`]);
  });

  test('rejects two slashes with a single message', () => {
    assert.deepEqual(isQualifiedName('a/b/c'), [
      `a qualified name ${qualifiedNameRegexMsg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
  });

  test('limits the name part to 63 characters', () => {
    assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  });

  test('accepts any label prefixed by any subdomain', () => {
    fc.assert(
      fc.property(dnsLabel, dnsLabel, (prefix, name) => isQualifiedName(`${prefix}/${name}`).length === 0),
    );
  });
});

describe('isValidLabelValue', () => {
  test('accepts the empty string', () => {
    assert.deepEqual(isValidLabelValue(''), []);
  });

  test('explains the format for a value with a space', () => {
    assert.deepEqual(isValidLabelValue('a b'), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  test('limits values to 63 characters', () => {
    assert.deepEqual(isValidLabelValue('v'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('environment variable names', () => {
  test('the strict rule rejects a leading digit', () => {
    assert.deepEqual(isEnvVarName('1A'), [
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ]);
  });

  test('the strict rule rejects names starting with two dots', () => {
    assert.deepEqual(isEnvVarName('..A'), ["must not start with '..'"]);
  });

  test('the relaxed rule accepts any printable ASCII but =', () => {
    assert.deepEqual(isRelaxedEnvVarName('1 weird:name!'), []);
    assert.deepEqual(isRelaxedEnvVarName('A=B'), [
      "a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });

  test('the relaxed rule accepts every C identifier', () => {
    const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    fc.assert(
      fc.property(
        identifier,
        (name) => isRelaxedEnvVarName(name).length === 0 && isCIdentifier(name).length === 0,
      ),
    );
  });

  test('the relaxed rule rejects non-ASCII characters', () => {
    assert.equal(isRelaxedEnvVarName('NAMÉ').length, 1);
  });
});

describe('ports', () => {
  test('a port name must contain a letter', () => {
    assert.deepEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
  });

  test('a port name lists every rule it breaks', () => {
    assert.deepEqual(isValidPortName('-Http--port-too-long-'), [
      'must be no more than 15 characters',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
  });

  test('port numbers run from 1 to 65535', () => {
    assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), (port) => isValidPortNum(port).length === 0));
  });
});

describe('isConfigMapKey', () => {
  test('rejects a slash', () => {
    assert.deepEqual(isConfigMapKey('a/b'), [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });
});
