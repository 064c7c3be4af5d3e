// `kubectl get nodes` columns, as nodeColumnDefinitions / printNode in pkg/printers/internalversion/printers.go.
import type { Node } from 'kubernetes-types/core/v1.js';
import { ageSince } from './duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type ResourcePrinter } from './types.js';

const wide = { priority: 1 };
const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export const nodePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'The first InternalIP address of the node.', wide),
    column('External-IP', 'The first ExternalIP address of the node.', wide),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release.', wide),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r'.", wide),
    column('Container-Runtime', 'ContainerRuntime Version reported by the node.', wide),
  ],
  cells(object, now) {
    const node = object as Node;
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      nodeRoles(node).join(',') || '<none>',
      ageSince(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};

// Only the Ready condition is shown; a node with none is Unknown.
function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: 'InternalIP' | 'ExternalIP'): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}
