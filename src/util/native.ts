// Where podlet's native helpers are: scripts/build-native.sh builds them into dist/native, and code run from the
// sources (tsx) uses the built ones too.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NATIVE_DIR = here.includes('/dist/')
  ? join(here, '..', '..', 'native')
  : join(here, '..', '..', 'dist', 'native');

export function nativeBinary(name: string): string {
  return join(NATIVE_DIR, name);
}
