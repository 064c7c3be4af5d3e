import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/** Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go): an empty effect or key matches any. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}
