import type { IncidentRecord } from '../../lambda/core/incidents/IncidentRecord';
import type { IncidentPolicy } from '../../lambda/core/incidents/incidentPolicy';
import { quietPeriodFor, quietSince } from '../../lambda/core/incidents/recurrence';
import type { IncidentRepository } from '../../lambda/core/ports/IncidentRepository';

/** The scheduled sweeper's period in the stack (an EventBridge rule every minute). */
export const SWEEP_INTERVAL_MS = 60_000;

/**
 * The stack's scheduled sweeper (every minute) on the replay's clock. A sweep only changes
 * something at the first minute after an open incident's quiet period (its learned one when it
 * recurs) has passed, so the replay runs just those sweeps: the result is the same as sweeping
 * every minute, without hundreds of idle sweeps (or thousands over long gaps in the logs).
 */
export class ReplaySweeper {
  /** Open incident id -> time from which the sweeper may resolve it. */
  private due = new Map<string, number>();
  /** Latest tick swept: a tick is never swept twice. */
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sweep: (at: number) => Promise<void>,
    private readonly repository: IncidentRepository,
    private readonly policy: IncidentPolicy,
  ) {}

  /**
   * An incident recorded new occurrences at `at`: its quiet period starts again (at least the
   * base one; the sweep then reads the incident's own).
   */
  noteActivity(incidentId: string, at: number): void {
    this.due.set(
      incidentId,
      Math.max(this.due.get(incidentId) ?? 0, at + this.policy.quietPeriodMs),
    );
  }

  /** Reads the open incidents (those of earlier runs included) and when each may resolve. */
  async refresh(): Promise<void> {
    const open = await this.repository.listOpenIncidents();
    this.due = new Map(open.map((r) => [r.id, this.dueAt(r)]));
  }

  /** When the sweeper may resolve an open incident: the end of its quiet period. */
  private dueAt(r: IncidentRecord): number {
    return quietSince(r) + quietPeriodFor(r, this.policy);
  }

  /** One more sweep when some notification is still pending for a channel. */
  async retryPending(time: number): Promise<void> {
    if ((await this.repository.listPendingNotifications()).length === 0) return;
    const tick = Math.max(this.last + SWEEP_INTERVAL_MS, time);
    await this.sweep(tick);
    this.last = tick;
  }

  /** Runs the sweeps that would have changed something up to `time`. */
  async runUntil(time: number): Promise<void> {
    for (;;) {
      const next = Math.min(...this.due.values());
      if (!Number.isFinite(next)) return;
      const tick = Math.max(
        Math.ceil(next / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS,
        this.last + SWEEP_INTERVAL_MS,
      );
      if (tick > time) return;
      await this.sweep(tick);
      this.last = tick;
      await this.refresh();
    }
  }
}
