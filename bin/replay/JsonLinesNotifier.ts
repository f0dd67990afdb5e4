import type { AlertDigest, Notification } from '../../lambda/core/incidents/incident';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { terminalJson } from '../../lambda/core/render/sanitize';

/**
 * The terminal channel of `replay --json`: each notification as one JSON line
 * (`{"type":"notification","kind",...,"incident":{...}}`) instead of a rendered alert. It uses the
 * terminal's channel name, so switching between the two outputs does not re-send anything.
 */
export class JsonLinesNotifier implements Notifier {
  readonly channel = 'terminal';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  send(notification: Notification): Promise<void> {
    const line = terminalJson({
      type: 'notification',
      kind: notification.kind,
      notificationId: notification.notificationId,
      newOccurrences: notification.newOccurrences,
      incident: notification.incident,
    });
    return this.write(line);
  }

  /** An aggregated alert as `{"type":"digest",...}`. */
  sendDigest(digest: AlertDigest): Promise<void> {
    return this.write(terminalJson({ type: 'digest', ...digest }));
  }

  private write(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }
}
