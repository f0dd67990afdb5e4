import type { AlertDigest, Notification } from '../../lambda/core/incidents/incident';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { renderDigest } from '../../lambda/core/render/renderDigest';
import { renderTerminalAlert } from '../../lambda/core/render/renderTerminalAlert';
import { renderAlertLine } from '../render/renderAlertLine';

/** Options of {@link TerminalNotifier}. */
export interface TerminalNotifierOptions {
  /** Where alerts are written (the replay command passes process.stdout). */
  readonly stream: NodeJS.WritableStream;
  /** ANSI colours; the caller decides (e.g. `stream.isTTY && !process.env.NO_COLOR`). */
  readonly color?: boolean;
  /** The command that shows one incident in full, with the options needed to run it. */
  readonly historyCommand?: (incidentId: string) => string;
}

/**
 * Notifier that prints alerts for a person at a terminal (local replay): an OPENED alert in full,
 * with its fixes; ONGOING and RESOLVED as one line each, which says how to see the rest, so an
 * outage's first alerts do not scroll away under its updates.
 */
export class TerminalNotifier implements Notifier {
  readonly channel = 'terminal';

  constructor(private readonly options: TerminalNotifierOptions) {}

  /** Writes the rendered alert; resolves once the stream accepted it. */
  send(notification: Notification): Promise<void> {
    const color = this.options.color ?? false;
    const history = this.options.historyCommand?.(notification.incident.id);
    const text =
      notification.kind === 'opened'
        ? `${renderTerminalAlert(notification, { color, ...(history ? { historyCommand: history } : {}) })}\n`
        : renderAlertLine(notification, {
            color,
            historyCommand:
              history ?? `npx invoke-doctor incidents show ${notification.incident.id}`,
          });
    return this.write(text);
  }

  /** Writes an aggregated alert (alerts held back) followed by a blank line. */
  sendDigest(digest: AlertDigest): Promise<void> {
    return this.write(`${renderDigest(digest).text}\n`);
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.options.stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }
}
