// Pod fields of the v1.33 API that the installed kubernetes-types (1.30) does not declare yet. Only the
// additions are declared; everything else comes from kubernetes-types.
import type { Volume } from 'kubernetes-types/core/v1.js';

/** ImageVolumeSource (1.31): an OCI image or artifact mounted as a volume. */
export interface ImageVolumeSource {
  reference?: string;
  pullPolicy?: string;
}

export type VolumeWithImage = Volume & { image?: ImageVolumeSource };
