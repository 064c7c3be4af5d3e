import { AmbiguousImageReferenceError, InvalidImageNameError } from './errors.js';
import type { NameEntry } from './name-store.js';
import { formatImageReference, parseImageReference, repositoryOf, withDefaultTag } from './reference.js';

/** The image a reference names, and which of its names the reference stands for (what `remove` deletes). */
export interface ImageMatch {
  id: string;
  names: string[];
}

const FULL_ID = /^(?:sha256:)?([a-f0-9]{64})$/;
const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{1,63})$/;

/**
 * Resolves a reference the way docker and crictl do: a full image ID (with or without `sha256:`), else a name
 * (`busybox` = `docker.io/library/busybox:latest`; `repo@digest` matches a name of that repository stored with that
 * manifest digest), else a unique prefix of an image ID. An ID or ID prefix stands for all the image's names.
 * Throws InvalidImageNameError for a string that is neither a valid name nor hex, and AmbiguousImageReferenceError
 * for a prefix of several IDs.
 */
export function findImage(
  reference: string,
  entries: ReadonlyMap<string, NameEntry>,
): ImageMatch | undefined {
  const fullId = FULL_ID.exec(reference)?.[1];
  if (fullId !== undefined) {
    const byId = matchId(entries, `sha256:${fullId}`);
    if (byId !== undefined) return byId;
  }
  let nameError: InvalidImageNameError | undefined;
  try {
    const byName = findByName(reference, entries);
    if (byName !== undefined) return byName;
  } catch (e) {
    if (!(e instanceof InvalidImageNameError)) throw e;
    nameError = e;
  }
  const prefix = ID_PREFIX.exec(reference)?.[1];
  if (prefix === undefined) {
    if (nameError !== undefined) throw nameError;
    return undefined;
  }
  const ids = new Set(
    [...entries.values()].map((e) => e.configDigest).filter((id) => id.startsWith(`sha256:${prefix}`)),
  );
  if (ids.size > 1) throw new AmbiguousImageReferenceError(reference, [...ids].sort());
  const [id] = ids;
  return id === undefined ? undefined : matchId(entries, id);
}

function findByName(reference: string, entries: ReadonlyMap<string, NameEntry>): ImageMatch | undefined {
  const ref = parseImageReference(reference);
  if (ref.digest === undefined) {
    const name = formatImageReference(withDefaultTag(ref));
    const entry = entries.get(name);
    return entry === undefined ? undefined : { id: entry.configDigest, names: [name] };
  }
  // A digest reference names content, so the tag next to it (if any) is ignored, as docker does.
  const repository = repositoryOf(ref);
  const names = [...entries].filter(
    ([name, entry]) =>
      entry.manifestDigest === ref.digest && repositoryOf(parseImageReference(name)) === repository,
  );
  const first = names[0];
  if (first === undefined) return undefined;
  return { id: first[1].configDigest, names: names.map(([name]) => name) };
}

function matchId(entries: ReadonlyMap<string, NameEntry>, id: string): ImageMatch | undefined {
  const names = [...entries].filter(([, entry]) => entry.configDigest === id).map(([name]) => name);
  return names.length === 0 ? undefined : { id, names };
}
