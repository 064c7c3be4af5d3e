/** A tiny line of the last samples, scaled to their own maximum; the latest value is written beside it. */
export function Sparkline(props: { values: number[]; label: string; format: (v: number) => string }) {
  const { values } = props;
  const width = 160;
  const height = 32;
  const max = Math.max(...values, Number.MIN_VALUE);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`,
  );
  const latest = values[values.length - 1];
  return (
    <div class="sparkline">
      <span class="label">{props.label}</span>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={props.label}
      >
        {points.length === 1 ? (
          <circle cx={width - 2} cy={points[0]?.split(',')[1]} r={2} />
        ) : (
          <polyline points={points.join(' ')} />
        )}
      </svg>
      <span class="value">{latest === undefined ? '–' : props.format(latest)}</span>
    </div>
  );
}
