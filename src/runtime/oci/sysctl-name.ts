/**
 * A sysctl name with `/` separators in dot form, as the kubelet normalises it before checking or sending it
 * (k8s.io/component-helpers/node/util/sysctl ConvertSysctlVariableToDotsSeparator): when the first separator is a
 * `/`, slashes and dots swap, so `net/ipv4/conf/eno2.100/rp_filter` is `net.ipv4.conf.eno2/100.rp_filter`.
 */
export function dotSeparatedSysctl(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === '.') return name;
  return name.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}
