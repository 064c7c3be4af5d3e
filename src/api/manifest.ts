// Reading Pods from a multi-document YAML (or JSON) manifest the way `kubectl create -f` against a v1.33
// kube-apiserver treats them: YAML 1.1 scalars as sigs.k8s.io/yaml reads them, strict decoding, defaulting,
// then validation. Each failure carries kube's wording; pods come back defaulted.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseAllDocuments, type Document, type Tags } from 'yaml';
import { MAX_YAML_DEPTH, yamlDepthBound } from './yaml-depth.js';
import { kubectlInvalidMessage } from './errors.js';
import { defaultPod } from './pod-defaults.js';
import { decodePod, podDecodeErrorMessage } from './pod-schema.js';
import { validatePod } from './pod-validation.js';

export interface ManifestError {
  /** Where the text came from, e.g. a file name. */
  source: string;
  /** 1-based position of the YAML document in the stream. */
  document: number;
  message: string;
  /** The field the error is about, when it is about one: `spec.containers[0].image`. */
  field?: string;
}

export interface ParsedManifests {
  pods: Pod[];
  errors: ManifestError[];
}

// sigs.k8s.io/yaml reads YAML 1.1 (yes/no/on/off are booleans, 0777 is octal) but keeps timestamps and
// sexagesimal numbers as strings.
const yamlOptions = {
  version: '1.1' as const,
  customTags: (tags: Tags): Tags =>
    tags.filter(
      (t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
    ),
};

export function parseManifests(text: string, source: string): ParsedManifests {
  const result: ParsedManifests = { pods: [], errors: [] };
  if (yamlDepthBound(text) > MAX_YAML_DEPTH) {
    result.errors.push({ source, document: 1, message: `yaml: exceeded max depth of ${MAX_YAML_DEPTH}` });
    return result;
  }
  parseAllDocuments(text, yamlOptions).forEach((doc, i) => {
    const fail = (message: string, field?: string): void => {
      result.errors.push({ source, document: i + 1, message, ...(field === undefined ? {} : { field }) });
    };
    const parsed = documentValue(doc);
    if (parsed instanceof Error) fail(parsed.message);
    else if (parsed !== null) readObject(parsed, '', result.pods, fail);
  });
  return result;
}

/** `pod.yaml: document 2: <message>`. */
export function formatManifestError(e: ManifestError): string {
  return `${e.source}: document ${e.document}: ${e.message}`;
}

type Fail = (message: string, field?: string) => void;

// A document's value, null for an empty document (kubectl skips those), or the YAML error.
function documentValue(doc: Document.Parsed): unknown {
  const error = doc.errors[0];
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : '';
    const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return new Error(`error converting YAML to JSON: yaml: ${where}${what}`);
  }
  if (doc.contents === null) return null;
  try {
    return doc.toJS() as unknown;
  } catch (err) {
    return new Error(`error converting YAML to JSON: ${(err as Error).message}`);
  }
}

function readObject(value: unknown, prefix: string, pods: Pod[], fail: Fail): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(
      `${prefix}error validating data: the document is not an object (a mapping with apiVersion and kind)`,
    );
    return;
  }
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  const missing = [apiVersion ? '' : 'apiVersion not set', kind ? '' : 'kind not set'].filter(Boolean);
  if (missing.length > 0) {
    fail(`${prefix}error validating data: ${missing.length === 1 ? missing[0] : `[${missing.join(', ')}]`}`);
  } else if (apiVersion === 'v1' && kind === 'List') {
    readList((value as { items?: unknown }).items, pods, fail);
  } else if (apiVersion !== 'v1' || kind !== 'Pod') {
    // What kubectl prints when the server serves no such kind: podlet serves Pods only.
    fail(`${prefix}no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`);
  } else {
    readPod(value, prefix, pods, fail);
  }
}

function readList(items: unknown, pods: Pod[], fail: Fail): void {
  if (!Array.isArray(items)) {
    fail('error validating data: items of a List must be a list', 'items');
    return;
  }
  items.forEach((item, i) => readObject(item, `items[${i}]: `, pods, fail));
}

function readPod(value: object, prefix: string, pods: Pod[], fail: Fail): void {
  const decoded = decodePod(value);
  const decodeError = podDecodeErrorMessage(decoded);
  if (decodeError !== undefined) {
    fail(prefix + decodeError, decoded.typeErrors[0]?.field ?? decoded.unknownFields[0]);
    return;
  }
  const pod = defaultPod(decoded.pod);
  const errors = validatePod(pod);
  if (errors.length > 0) {
    const first = errors[0];
    fail(prefix + kubectlInvalidMessage('Pod', pod.metadata?.name ?? '', errors), first?.field);
    return;
  }
  pods.push(pod);
}
