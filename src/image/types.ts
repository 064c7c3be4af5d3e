/** The runtime part of an image config (OCI image-spec config.md `config`), the fields podlet uses. */
export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Labels?: Record<string, string>;
}

/** One layer of an image, unpacked. */
export interface LayerRef {
  /** Digest of the layer blob as the manifest lists it (compressed or not). */
  digest: string;
  /** Digest of the uncompressed layer tar (config rootfs.diff_ids). */
  diffId: string;
  /** Names the stack of layers up to and including this one; the unpacked layer is stored under it. */
  chainId: string;
  /** Size of the layer blob in bytes. */
  size: number;
  /** Absolute path of the unpacked layer, an overlayfs lower directory. */
  dir: string;
}

export interface ImageRecord {
  /** The image ID: the config digest, as docker and the CRI report it. */
  id: string;
  /** Normalised references that name this image, sorted, e.g. `docker.io/library/busybox:latest`. */
  names: string[];
  /**
   * Digest the image was stored under: its manifest, or an index for a multi-platform image (the digest a registry
   * serves it by). When names point at different manifests of the same config, the most recently stored one.
   */
  manifestDigest: string;
  /** `repository@manifestDigest` for each name, as the CRI's RepoDigests and the kubelet's `imageID`. */
  repoDigests: string[];
  /** Bytes of content: index and manifest, config and layer blobs (as containerd's image size). */
  size: number;
  created?: string;
  architecture?: string;
  os?: string;
  config: ImageConfig;
  /** Bottom layer first: the order of overlayfs lowerdirs reversed. */
  layers: LayerRef[];
}

export interface PruneResult {
  removedImages: number;
  removedLayers: number;
  freedBytes: number;
}
