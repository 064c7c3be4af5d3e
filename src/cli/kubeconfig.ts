// Kubeconfig text for `podlet kubeconfig` (print) and `podlet kubeconfig --merge` (into ~/.kube/config).
// Pure: the command reads and writes the files.
import { isMap, isSeq, parseDocument, stringify, type Document, type YAMLMap } from 'yaml';
import type { Pki } from '../apiserver/pki.js';

export interface KubeconfigInput {
  /** The API server's URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  pki: Pick<Pki, 'ca' | 'adminCert' | 'adminKey'>;
  /** Name of the cluster, user and context entries. */
  name?: string;
}

export class KubeconfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeconfigError';
  }
}

/** The three lists of named entries a kubeconfig holds (client-go tools/clientcmd/api/v1/types.go). */
const NAMED_LISTS = ['clusters', 'users', 'contexts'] as const;

function base64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}

/** A complete kubeconfig with the CA and the admin client certificate embedded; its context is current. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'podlet';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: input.server, 'certificate-authority-data': base64(input.pki.ca) } },
    ],
    users: [
      {
        name,
        user: {
          'client-certificate-data': base64(input.pki.adminCert),
          'client-key-data': base64(input.pki.adminKey),
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

/**
 * Adds podlet's entries to an existing kubeconfig: entries of the same name in clusters, users and
 * contexts are replaced, everything else (other entries, comments, unknown keys) is kept, and the current
 * context becomes podlet's. With no existing file (undefined or blank) the result is podlet's kubeconfig.
 */
export function mergeKubeconfig(existingYaml: string | undefined, podletYaml: string): string {
  const podlet = parseConfig(podletYaml, 'the podlet kubeconfig');
  if (existingYaml === undefined || existingYaml.trim() === '') return podlet.toString();
  const target = parseConfig(existingYaml, 'the existing kubeconfig');
  for (const list of NAMED_LISTS) mergeNamedList(target, podlet, list);
  target.set('current-context', podlet.get('current-context'));
  if (!target.has('apiVersion')) target.set('apiVersion', 'v1');
  if (!target.has('kind')) target.set('kind', 'Config');
  return target.toString();
}

function parseConfig(text: string, what: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new KubeconfigError(`${what} is not valid YAML: ${doc.errors[0]?.message ?? ''}`, {
      cause: doc.errors[0],
    });
  }
  if (!isMap(doc.contents)) throw new KubeconfigError(`${what} is not a YAML mapping`);
  return doc;
}

function entryName(entry: unknown): unknown {
  return isMap(entry) ? entry.get('name') : undefined;
}

function mergeNamedList(target: Document, source: Document, list: (typeof NAMED_LISTS)[number]): void {
  const incoming = source.get(list);
  if (!isSeq(incoming)) return;
  let current = target.get(list);
  if (current === null || current === undefined) {
    current = target.createNode([]);
    target.set(list, current);
  }
  if (!isSeq(current)) throw new KubeconfigError(`"${list}" in the existing kubeconfig is not a list`);
  for (const entry of incoming.items as YAMLMap[]) {
    const name = entryName(entry);
    const at = current.items.findIndex((e) => entryName(e) === name);
    const copy = target.createNode(entry.toJSON());
    if (at === -1) current.items.push(copy);
    else current.items[at] = copy;
  }
}
