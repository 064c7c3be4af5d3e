// The annotations the kubelet puts on the pods it reads from files and mirrors into the API
// (pkg/kubelet/types/pod_update.go).
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
/** On a mirror pod: the hash (= UID) of the static pod it stands for. */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
