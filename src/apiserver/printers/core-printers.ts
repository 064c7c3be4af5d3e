// Columns of the simple core kinds (namespaces, configmaps, secrets, serviceaccounts, leases), as their
// *ColumnDefinitions / print* functions in pkg/printers/internalversion/printers.go.
import type { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

export const namespacePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  cells(object, now) {
    const ns = object as Namespace;
    return [ns.metadata?.name ?? '', ns.status?.phase ?? '', ageSince(ns.metadata?.creationTimestamp, now)];
  },
};

export const configMapPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Data', 'The number of keys in data and binaryData.'), AGE_COLUMN],
  cells(object, now) {
    const cm = object as ConfigMap;
    const keys = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return [cm.metadata?.name ?? '', keys, ageSince(cm.metadata?.creationTimestamp, now)];
  },
};

export const secretPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'The number of keys in data.'),
    AGE_COLUMN,
  ],
  cells(object, now) {
    const secret = object as Secret;
    return [
      secret.metadata?.name ?? '',
      secret.type ?? '',
      Object.keys(secret.data ?? {}).length,
      ageSince(secret.metadata?.creationTimestamp, now),
    ];
  },
};

export const serviceAccountPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Secrets', 'The number of secrets listed in the service account.'),
    AGE_COLUMN,
  ],
  cells(object, now) {
    const sa = object as ServiceAccount;
    return [
      sa.metadata?.name ?? '',
      (sa.secrets ?? []).length,
      ageSince(sa.metadata?.creationTimestamp, now),
    ];
  },
};

export const leasePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Holder', 'The identity of the current holder of the lease.'), AGE_COLUMN],
  cells(object, now) {
    const lease = object as Lease;
    return [
      lease.metadata?.name ?? '',
      lease.spec?.holderIdentity ?? '',
      ageSince(lease.metadata?.creationTimestamp, now),
    ];
  },
};
