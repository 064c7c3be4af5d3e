import { getJson } from './api.js';
import { formatBytes, formatCores, parseQuantity } from './quantity.js';
import { Sparkline } from './sparkline.js';
import { useLive } from './use-live.js';

interface PodMetrics {
  timestamp: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

interface Sample {
  timestamp: string;
  cpu: Map<string, number>;
  memory: Map<string, number>;
}

const POLL_MS = 5_000;
const KEEP_SAMPLES = 30;

/** CPU and memory of each container from metrics.k8s.io (`kubectl top pod --containers`), a new point per sample. */
export function UsageSparklines(props: { namespace: string; name: string }) {
  const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(props.namespace)}/pods/${encodeURIComponent(props.name)}`;
  const { value: samples, error } = useLive<Sample[]>(
    async (signal, set) => {
      const kept: Sample[] = [];
      while (!signal.aborted) {
        const m = await getJson<PodMetrics>(path, signal).catch((e: unknown) => {
          // No sample yet for a pod that just started: the API answers 404 until the collector has one.
          if (e instanceof Error && /: 404 /.test(e.message)) return undefined;
          throw e;
        });
        if (m !== undefined && kept[kept.length - 1]?.timestamp !== m.timestamp) {
          kept.push({
            timestamp: m.timestamp,
            cpu: new Map(m.containers.map((c) => [c.name, parseQuantity(c.usage.cpu)])),
            memory: new Map(m.containers.map((c) => [c.name, parseQuantity(c.usage.memory)])),
          });
          if (kept.length > KEEP_SAMPLES) kept.shift();
          set([...kept]);
        }
        await new Promise((r) => window.setTimeout(r, POLL_MS));
      }
    },
    [path],
  );
  if (error) return <p class="error">{error.message}</p>;
  if (samples === undefined) return <p class="muted">Waiting for the first sample…</p>;
  const names = [...new Set(samples.flatMap((s) => [...s.cpu.keys()]))];
  return (
    <div class="usage" data-testid="usage">
      {names.map((n) => (
        <div key={n} class="usage-row">
          <span class="container-name">{n}</span>
          <Sparkline label="CPU" values={samples.map((s) => s.cpu.get(n) ?? 0)} format={formatCores} />
          <Sparkline label="memory" values={samples.map((s) => s.memory.get(n) ?? 0)} format={formatBytes} />
        </div>
      ))}
    </div>
  );
}
