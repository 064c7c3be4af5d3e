// The node's pressure conditions (pkg/kubelet/eviction/eviction_manager.go synchronize, helpers.go
// nodeConditionsLastObservedAt and nodeConditionsObservedSince): a condition holds while one of its thresholds is
// met and for pressureTransitionPeriod after the last time one was, so it does not flap. Pure: `now` is passed in.
import { conditionOf, type PressureCondition, type Threshold } from './thresholds.js';

/** The order conditions are listed in (the kubelet's map order is random; a fixed one keeps messages stable). */
const ORDER: readonly PressureCondition[] = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

export class PressureConditions {
  private readonly lastObservedAt = new Map<PressureCondition, number>();

  constructor(private readonly transitionPeriodMs: number) {}

  /** Records the conditions of the thresholds met now and returns those observed within the transition period. */
  update(met: readonly Threshold[], now: number): PressureCondition[] {
    for (const t of met) this.lastObservedAt.set(conditionOf(t.signal), now);
    for (const [condition, at] of this.lastObservedAt) {
      if (now - at >= this.transitionPeriodMs) this.lastObservedAt.delete(condition);
    }
    return this.current();
  }

  current(): PressureCondition[] {
    return ORDER.filter((c) => this.lastObservedAt.has(c));
  }
}
