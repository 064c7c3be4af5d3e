// Pod manifests the suites share.
import { TEST_IMAGE } from './podlet-process.js';

/**
 * A one-container pod that sleeps for an hour and goes within a second of its deletion. `spec` adds lines to the
 * pod's spec (indented by two spaces), `container` fields to the container's flow mapping (`, ports: [...]`).
 */
export function sleeperPod(
  name: string,
  image = TEST_IMAGE,
  extra: { spec?: string; container?: string } = {},
): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
${extra.spec ? `${extra.spec}\n` : ''}  containers:
    - { name: c, image: ${image}, command: ['sleep', '3600']${extra.container ?? ''} }
`;
}
