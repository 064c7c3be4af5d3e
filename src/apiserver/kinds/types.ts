// A kind's rules, as kube-apiserver's registry strategies hold them (pkg/registry/<group>/<kind>/strategy.go):
// what create and update fill in and check, which fields a field selector may name, how deletion goes.
import type { FieldError } from '../../api/errors.js';
import type { KubeObject, StoredObject } from '../../api/object.js';

export interface StrategyContext {
  now: Date;
  nodeName: string;
  /** The user making the request, for admission decisions. */
  user: string;
  /** The stored objects of a resource, for admission that reads other objects (DefaultStorageClass). */
  list?(resource: string): StoredObject[];
  /** `--service-cidr`, the range Services' cluster IPs come from (DEFAULT_SERVICE_CIDR when absent). */
  serviceCidr?: string;
  /** A warning for the response, from a step that changes the object (kube-apiserver's warning.AddWarning). */
  warn?(message: string): void;
}

export interface DecodeResult {
  object: KubeObject;
  /** Fields the schema does not know (`spec.containers[0].imagee`), for fieldValidation Strict/Warn. */
  unknownFields: string[];
  /** A body that is not the kind at all (wrong field types): always a 400 BadRequest. */
  typeError?: string;
}

export interface KindStrategy {
  kind: string;
  /** Strict decoding of a request body; kinds without a schema here accept any fields. */
  decode?(body: unknown): DecodeResult;
  /** Defaults and server-set fields on create (status reset, nodeName, conditions). */
  prepareForCreate?(object: KubeObject, ctx: StrategyContext): void;
  validate?(object: KubeObject): FieldError[];
  /**
   * Admission that depends on the object's namespace (Pod Security): a denial message (403 Forbidden) or warnings.
   */
  admit?(
    object: KubeObject,
    namespaceLabels: Readonly<Record<string, string>> | undefined,
    /** The stored object, on an update. */
    old?: StoredObject,
  ): { denied?: string; warnings: string[] };
  /** Warnings returned with a successful create or update (kubectl prints them). */
  warnings?(
    object: KubeObject,
    ctx: StrategyContext & { list: (resource: string) => StoredObject[] },
  ): string[];
  /** On update of the main resource: keep what a main-resource update may not change (status). */
  prepareForUpdate?(object: KubeObject, old: StoredObject, ctx: StrategyContext): void;
  validateUpdate?(object: KubeObject, old: StoredObject): FieldError[];
  /** Field selector support beyond metadata.name and metadata.namespace. */
  fieldValue?(object: StoredObject, field: string): string | undefined;
  /** Seconds to wait before the object is gone, or 0 to remove it now (pods: until the node stopped it). */
  gracePeriod?(object: StoredObject, requested: number | undefined): number;
  /** Whether deletion waits for a controller beyond metadata.finalizers (a namespace's spec.finalizers). */
  waitsOnDelete?(object: StoredObject): boolean;
  /** Changes made when deletion starts (a namespace turns Terminating). */
  markDeleting?(object: KubeObject): void;
  /** Whether an update bumps metadata.generation (a spec change). */
  specChanged?(object: KubeObject, old: StoredObject): boolean;
}
