/** metav1.Time as it serialises: RFC 3339 at second precision. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
