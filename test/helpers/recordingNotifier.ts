import { NotificationError } from '../../lambda/core/errors';
import type { Notification } from '../../lambda/core/incidents/incident';
import type { Clock } from '../../lambda/core/ports/Clock';
import type { Notifier } from '../../lambda/core/ports/Notifier';

/**
 * An in-process alert channel that records what it is sent: the stand-in for Slack or SNS when a
 * test is about the incident lifecycle rather than a channel's wire format. It can be made to fail
 * like a real channel does (NotificationError, retryable or not).
 */
export interface RecordingNotifier extends Notifier {
  /** Notifications the channel accepted, in order. */
  readonly sent: Notification[];
  /** Clock time of each accepted notification (when a clock was given), parallel to `sent`. */
  readonly sentAt: number[];
  /** Every call to `send`, failed ones included. */
  readonly calls: number;
  /** While true every send fails. */
  down: boolean;
  /** The next this-many sends fail, then the channel works again. */
  failNext: number;
  /** Whether failures are retryable (a 5xx) or not (a 4xx). */
  retryable: boolean;
}

/** A recording channel named `channel`; with a clock it also records when each send happened. */
export function recordingNotifier(channel: string, clock?: Clock): RecordingNotifier {
  const sent: Notification[] = [];
  const sentAt: number[] = [];
  let calls = 0;
  const notifier = {
    channel,
    sent,
    sentAt,
    down: false,
    failNext: 0,
    retryable: true,
    get calls() {
      return calls;
    },
    async send(notification: Notification): Promise<void> {
      calls += 1;
      // Yield like a real network call, so concurrent work interleaves.
      await new Promise((resolve) => setImmediate(resolve));
      if (notifier.down || notifier.failNext > 0) {
        if (notifier.failNext > 0) notifier.failNext -= 1;
        throw new NotificationError(channel, 'HTTP 500 Internal Server Error', {
          retryable: notifier.retryable,
        });
      }
      sent.push(structuredClone(notification));
      if (clock) sentAt.push(clock.now());
    },
  };
  return notifier;
}
