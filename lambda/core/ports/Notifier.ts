import type { AlertDigest, Notification } from '../incidents/incident';

/** Port: one alert channel (Slack, SNS, terminal). `send` throws NotificationError on failure. */
export interface Notifier {
  /** Channel name used in logs and in the pending-notification record, e.g. `slack`, `sns`. */
  readonly channel: string;
  send(notification: Notification): Promise<void>;
  /** Sends one aggregated alert for alerts held back (absent: the channel gets no digests). */
  sendDigest?(digest: AlertDigest): Promise<void>;
}
