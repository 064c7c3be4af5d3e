// Pod manifests the suites share.
import { TEST_IMAGE } from './podlet-process.js';

/** A one-container pod that sleeps for an hour and goes within a second of its deletion. */
export function sleeperPod(name: string, image = TEST_IMAGE): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - { name: c, image: ${image}, command: ['sleep', '3600'] }
`;
}
