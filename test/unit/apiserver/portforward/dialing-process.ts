// A stand-in for podlet in the netns dialer tests: dials once through a helper, says so, and waits to be killed.
import { netnsDialer } from '../../../../src/apiserver/portforward/netns-dialer.js';

const [netnsPath = '', port = ''] = process.argv.slice(2);
const ports = netnsDialer(async () => ({ sandboxId: 'fixture', netnsPath })).session('default', 'web');
const conn = await ports.dial(Number(port));
conn.destroy();
process.stdout.write('dialed\n');
setInterval(() => undefined, 60_000);
