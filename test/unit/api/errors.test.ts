import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  duplicate,
  fieldErrorBody,
  fieldErrorMessage,
  forbidden,
  goQuote,
  invalid,
  invalidMessage,
  kubectlInvalidMessage,
  notFound,
  notSupported,
  required,
  tooLong,
  typeInvalid,
} from '../../../src/api/errors.js';

describe('fieldErrorMessage', () => {
  test('renders a duplicate with the quoted value', () => {
    assert.equal(
      fieldErrorMessage(duplicate('spec.containers[1].name', 'c')),
      'spec.containers[1].name: Duplicate value: "c"',
    );
  });

  test('renders a required value without the value', () => {
    assert.equal(
      fieldErrorMessage(required('spec.containers[0].image')),
      'spec.containers[0].image: Required value',
    );
  });

  test('appends the detail of a required value', () => {
    assert.equal(
      fieldErrorMessage(required('metadata.name', 'name or generateName is required')),
      'metadata.name: Required value: name or generateName is required',
    );
  });

  test('renders an unsupported value with the supported ones quoted in order', () => {
    const e = notSupported('spec.restartPolicy', 'X', ['Always', 'OnFailure', 'Never']);
    assert.equal(
      fieldErrorMessage(e),
      'spec.restartPolicy: Unsupported value: "X": supported values: "Always", "OnFailure", "Never"',
    );
  });

  test('renders numbers and booleans bare', () => {
    assert.equal(fieldErrorBody(invalid('f', 70000, 'bad')), 'Invalid value: 70000: bad');
    assert.equal(fieldErrorBody(invalid('f', true, 'bad')), 'Invalid value: true: bad');
  });

  test('renders a missing value as null and a structured one as JSON', () => {
    assert.equal(fieldErrorBody(invalid('f', undefined, 'bad')), 'Invalid value: null: bad');
    assert.equal(fieldErrorBody(invalid('f', ['a', 'b'], 'bad')), 'Invalid value: ["a","b"]: bad');
  });

  test('renders not found, forbidden, too long and type errors', () => {
    assert.equal(fieldErrorMessage(notFound('v.name', 'x')), 'v.name: Not found: "x"');
    assert.equal(fieldErrorMessage(forbidden('spec.x', 'no')), 'spec.x: Forbidden: no');
    assert.equal(
      fieldErrorMessage(tooLong('metadata.annotations', 262144)),
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    assert.equal(fieldErrorMessage(typeInvalid('a', 'b', 'c')), 'a: Invalid value: "b": c');
  });
});

describe('goQuote', () => {
  test('escapes quotes, backslashes and control characters like strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c\n\t\x00\x7f'), '"a\\"b\\\\c\\n\\t\\x00\\x7f"');
  });

  test('keeps printable unicode and escapes non-printable unicode', () => {
    assert.equal(goQuote('é漢'), '"é漢"');
    assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  });
});

describe('invalidMessage', () => {
  const nameError = invalid('metadata.name', 'A_b', 'bad name');
  const imageError = required('spec.containers[0].image');

  test('shows a single error bare', () => {
    assert.equal(
      invalidMessage('Pod', 'x', [imageError]),
      'Pod "x" is invalid: spec.containers[0].image: Required value',
    );
  });

  test('shows several errors as a bracketed list', () => {
    assert.equal(
      invalidMessage('Pod', 'x', [nameError, imageError]),
      'Pod "x" is invalid: [metadata.name: Invalid value: "A_b": bad name, spec.containers[0].image: Required value]',
    );
  });

  test('drops repeated messages', () => {
    assert.equal(
      invalidMessage('Pod', 'x', [imageError, imageError]),
      'Pod "x" is invalid: spec.containers[0].image: Required value',
    );
  });

  test('kubectl prints one error on the line and several as a list', () => {
    assert.equal(
      kubectlInvalidMessage('Pod', 'x', [imageError]),
      'The Pod "x" is invalid: spec.containers[0].image: Required value',
    );
    assert.equal(
      kubectlInvalidMessage('Pod', 'x', [nameError, imageError]),
      'The Pod "x" is invalid: \n* metadata.name: Invalid value: "A_b": bad name\n* spec.containers[0].image: Required value',
    );
  });
});
