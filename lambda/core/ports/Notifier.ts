import type { Notification } from '../incidents/incident';

/** Port: one alert channel (Slack, SNS, terminal). `send` throws NotificationError on failure. */
export interface Notifier {
  /** Channel name used in logs and in the pending-notification record, e.g. `slack`, `sns`. */
  readonly channel: string;
  send(notification: Notification): Promise<void>;
}
