import { useEffect, useRef, useState } from 'preact/hooks';
import { followLog } from './api.js';
import { useLive } from './use-live.js';

const KEEP_LINES = 200;

interface LogTailProps {
  namespace: string;
  name: string;
  containers: string[];
  /** The one shown first, as kubectl picks it. */
  defaultContainer: string;
  running: boolean;
}

/** The last lines of one container's log, followed as they are written (`kubectl logs -f --tail=100`). */
export function LogTail(props: LogTailProps) {
  const [container, setContainer] = useState(props.defaultContainer);
  const path = `/api/v1/namespaces/${encodeURIComponent(props.namespace)}/pods/${encodeURIComponent(props.name)}/log?container=${encodeURIComponent(container)}`;
  const { value: lines, error } = useLive<string[]>(
    async (signal, set) => {
      if (!props.running) return;
      const kept: string[] = [];
      await followLog(path, signal, (line) => {
        kept.push(line);
        if (kept.length > KEEP_LINES) kept.shift();
        set([...kept]);
      });
    },
    [path, props.running],
  );
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  return (
    <div>
      {props.containers.length > 1 && (
        <select value={container} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
          {props.containers.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      )}
      {error && <p class="error">{error.message}</p>}
      <pre class="log" ref={box} data-testid="log">
        {(lines ?? []).join('\n')}
      </pre>
    </div>
  );
}
