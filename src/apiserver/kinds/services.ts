// Services as kube-apiserver stores them (pkg/registry/core/service/strategy.go and storage/storage.go): defaults
// and the clusterIP/clusterIPs reconciliation, then cluster IP and node port allocation, then validation.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import { defaultService, normalizeClusterIPs, patchAllocatedValues } from '../../api/service-defaults.js';
import { DEFAULT_SERVICE_CIDR, ServiceIPRange } from '../../api/service-ip-range.js';
import { validateService, validateServiceUpdate } from '../../api/service-validation.js';
import { allocateCreate, allocateUpdate, type AllocationContext } from './service-allocation.js';
import type { KindStrategy, StrategyContext } from './types.js';

export const serviceStrategy: KindStrategy = {
  kind: 'Service',
  prepareForCreate(object, ctx) {
    const service = object as Service;
    defaultService(service);
    normalizeClusterIPs(service);
    allocateCreate(service, allocationContext(object, ctx));
    // The status is the load balancer's to write; a new Service starts with an empty one.
    object.status = { loadBalancer: {} };
  },
  validate: (object) => validateService(object as Service),
  prepareForUpdate(object, old, ctx) {
    const service = object as Service;
    defaultService(service);
    object.status = old.status ?? { loadBalancer: {} };
    patchAllocatedValues(service, old as Service);
    normalizeClusterIPs(service, old as Service);
    allocateUpdate(service, old as Service, allocationContext(object, ctx));
  },
  validateUpdate: (object, old) => validateServiceUpdate(object as Service, old as Service),
};

function allocationContext(service: KubeObject, ctx: StrategyContext): AllocationContext {
  const range = ServiceIPRange.parse(ctx.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const others = (ctx.list?.('services') ?? []).filter((s: StoredObject) => key(s) !== key(service));
  return { range, others: others as Service[] };
}
