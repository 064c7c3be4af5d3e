import { normalizeArchiveNames, type ArchiveContents, type ArchiveImage } from './archive-reader.js';
import type { ContentStore } from './content-store.js';
import { digestHex } from './digest.js';
import { ImageArchiveError } from './errors.js';
import {
  AnnotationContainerdImageName,
  AnnotationRefName,
  isIndex,
  MAX_DOCUMENT_BYTES,
  parseDocument,
  parseIndex,
  parseManifest,
  selectPlatform,
  type Descriptor,
} from './oci.js';

/**
 * The images of an OCI image layout (image-spec image-layout.md, as `skopeo copy ... oci-archive:` writes it): each
 * index.json entry, named by its ref.name annotation (containerd's full-name annotation first, when present). Commits
 * the blobs each one needs, verified against their descriptors; for an index, only the host platform's manifest.
 */
export async function importOciLayout(
  contents: ArchiveContents,
  content: ContentStore,
): Promise<ArchiveImage[]> {
  const indexJson = contents.document('index.json');
  if (indexJson === undefined) throw new ImageArchiveError(contents.file, 'OCI layout without index.json');
  const index = parseIndex(parseDocument(indexJson, 'index.json'), 'index.json');
  const images: ArchiveImage[] = [];
  for (const descriptor of index.manifests) {
    await commitTree(contents, content, descriptor, `manifest ${descriptor.digest}`, true);
    images.push({ names: namesOf(contents.file, descriptor), target: descriptor.digest });
  }
  return images;
}

async function commitTree(
  contents: ArchiveContents,
  content: ContentStore,
  descriptor: Descriptor,
  what: string,
  mayBeIndex: boolean,
): Promise<void> {
  await contents.commit(blobPath(descriptor.digest), what, descriptor);
  const document = parseDocument(await content.read(descriptor.digest, MAX_DOCUMENT_BYTES), what);
  if (isIndex(document, descriptor.mediaType || document.mediaType)) {
    if (!mayBeIndex)
      throw new ImageArchiveError(contents.file, `${what}: an index inside an index is not supported`);
    const chosen = selectPlatform(parseIndex(document, what), what);
    await commitTree(contents, content, chosen, `manifest ${chosen.digest}`, false);
    return;
  }
  const manifest = parseManifest(document, what);
  await contents.commit(
    blobPath(manifest.config.digest),
    `config ${manifest.config.digest}`,
    manifest.config,
  );
  for (const layer of manifest.layers)
    await contents.commit(blobPath(layer.digest), `layer ${layer.digest}`, layer);
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

function namesOf(file: string, descriptor: Descriptor): string[] {
  const annotations = descriptor.annotations ?? {};
  const name = annotations[AnnotationContainerdImageName] ?? annotations[AnnotationRefName];
  return name === undefined ? [] : normalizeArchiveNames(file, [name], 'index.json');
}
