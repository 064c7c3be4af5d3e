// Server-side printing: a list of objects -> a meta.k8s.io/v1 Table, as the apiserver does for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (pkg/printers/tablegenerator.go,
// pkg/printers/storage/storage.go: always generated wide, kubectl hides priority>0 columns itself; row objects
// per includeObject as staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go).
import type { KubeObject } from '../../api/object.js';
import { kubeTime } from '../../api/time.js';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints-printers.js';
import { eventPrinter } from './event-printer.js';
import { nodePrinter } from './node-printer.js';
import { podPrinter } from './pod-printer.js';
import { priorityClassPrinter } from './priority-class-printer.js';
import {
  configMapPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './core-printers.js';
import { servicePrinter } from './service-printer.js';
import {
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
} from './storage-printers.js';
import {
  AGE_COLUMN,
  NAME_COLUMN,
  column,
  type IncludeObject,
  type ResourcePrinter,
  type Table,
  type TableListMeta,
  type TableRow,
} from './types.js';

export interface PrintOptions {
  /** The instant ages are measured from (injected so that tables are reproducible). */
  now: Date;
  includeObject: IncludeObject;
  /** resourceVersion / continue / remainingItemCount of the list (or the object's resourceVersion for a get). */
  listMeta?: TableListMeta;
}

/** Keyed like the store: `resource` in the core group, `resource.group` elsewhere. */
const printers = new Map<string, ResourcePrinter>([
  ['pods', podPrinter],
  ['nodes', nodePrinter],
  ['events', eventPrinter],
  ['events.events.k8s.io', eventPrinter],
  ['namespaces', namespacePrinter],
  ['configmaps', configMapPrinter],
  ['secrets', secretPrinter],
  ['serviceaccounts', serviceAccountPrinter],
  ['services', servicePrinter],
  ['endpoints', endpointsPrinter],
  ['endpointslices.discovery.k8s.io', endpointSlicePrinter],
  ['persistentvolumes', persistentVolumePrinter],
  ['persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['storageclasses.storage.k8s.io', storageClassPrinter],
  ['leases.coordination.k8s.io', leasePrinter],
  ['priorityclasses.scheduling.k8s.io', priorityClassPrinter],
]);

/**
 * rest.DefaultTableConvertor, for every resource without a printer: Name and the creation time in RFC 3339 UTC
 * (a `date` column, which kubectl shows as an age).
 */
const defaultPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Created At', AGE_COLUMN.description, { type: 'date' })],
  cells: (object) => [object.metadata?.name ?? '', createdAt(object.metadata?.creationTimestamp)],
};

/** Whether `resource` (`pods`, `storageclasses.storage.k8s.io`, ...) has its own columns rather than the default. */
export function hasPrinter(resource: string): boolean {
  return printers.has(resource);
}

export function printTable(resource: string, objects: KubeObject[], options: PrintOptions): Table {
  const printer = printers.get(resource) ?? defaultPrinter;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...options.listMeta },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => printRow(printer, object, options)),
  };
}

function printRow(printer: ResourcePrinter, object: KubeObject, options: PrintOptions): TableRow {
  const row: TableRow = { cells: printer.cells(object, options.now) };
  const conditions = printer.conditions?.(object);
  if (conditions !== undefined) row.conditions = conditions;
  const rowObject = tableRowObject(object, options.includeObject);
  if (rowObject !== undefined) row.object = rowObject;
  return row;
}

/** What a row carries under includeObject: nothing, the object's metadata as PartialObjectMetadata, or the object. */
export function tableRowObject(object: KubeObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} };
    case 'Object':
      return object;
  }
}

// Go formats the zero time (an object without creationTimestamp) as 0001-01-01T00:00:00Z.
function createdAt(timestamp: string | undefined): string {
  const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(at) ? '0001-01-01T00:00:00Z' : kubeTime(new Date(at));
}
