// metrics.k8s.io/v1beta1 (k8s.io/metrics pkg/apis/metrics/v1beta1/types.go), which kubernetes-types does not ship.
// Written in kubernetes-types' style so gen-openapi reads it like the others; also the types of the metrics API.
import type { ListMeta, ObjectMeta, Time } from 'kubernetes-types/meta/v1.js';
import type { Quantity } from 'kubernetes-types/api/resource.js';

/** Resource usage of one container. */
export interface ContainerMetrics {
  /** The container's name, as in pod.spec.containers. */
  name: string;
  /** Current usage by resource name: cpu in cores, memory as the working set. */
  usage: { [key: string]: Quantity };
}
/** Resource usage of a node. */
export interface NodeMetrics {
  /** APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources */
  apiVersion?: 'metrics.k8s.io/v1beta1';
  /** Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds */
  kind?: 'NodeMetrics';
  /** Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata */
  metadata?: ObjectMeta;
  /** End of the interval the usage was measured over; the interval is [timestamp-window, timestamp]. */
  timestamp: Time;
  /** The length of the interval the usage was measured over, as a Go duration string ("20.05s"). */
  window: string;
  /** Current usage by resource name: cpu in cores, memory as the working set. */
  usage: { [key: string]: Quantity };
}
/** A list of NodeMetrics. */
export interface NodeMetricsList {
  /** APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources */
  apiVersion?: 'metrics.k8s.io/v1beta1';
  /** The node metrics. */
  items: Array<NodeMetrics>;
  /** Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds */
  kind?: 'NodeMetricsList';
  /** Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata */
  metadata?: ListMeta;
}
/** Resource usage of a pod, container by container. */
export interface PodMetrics {
  /** APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources */
  apiVersion?: 'metrics.k8s.io/v1beta1';
  /** Usage of each container, all measured over the same window. */
  containers: Array<ContainerMetrics>;
  /** Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds */
  kind?: 'PodMetrics';
  /** Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata */
  metadata?: ObjectMeta;
  /** End of the interval the usage was measured over; the interval is [timestamp-window, timestamp]. */
  timestamp: Time;
  /** The length of the interval the usage was measured over, as a Go duration string ("20.05s"). */
  window: string;
}
/** A list of PodMetrics. */
export interface PodMetricsList {
  /** APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources */
  apiVersion?: 'metrics.k8s.io/v1beta1';
  /** The pod metrics. */
  items: Array<PodMetrics>;
  /** Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds */
  kind?: 'PodMetricsList';
  /** Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata */
  metadata?: ListMeta;
}
