import type { AlertDigest, Notification } from '../../lambda/core/incidents/incident';
import type { Notifier } from '../../lambda/core/ports/Notifier';
import { renderDigest } from '../../lambda/core/render/renderDigest';
import { renderTerminalAlert } from '../../lambda/core/render/renderTerminalAlert';

/** Options of {@link TerminalNotifier}. */
export interface TerminalNotifierOptions {
  /** Where alerts are written (the replay command passes process.stdout). */
  readonly stream: NodeJS.WritableStream;
  /** ANSI colours; the caller decides (e.g. `stream.isTTY && !process.env.NO_COLOR`). */
  readonly color?: boolean;
}

/** Notifier that prints alerts for a person at a terminal (local replay). */
export class TerminalNotifier implements Notifier {
  readonly channel = 'terminal';

  constructor(private readonly options: TerminalNotifierOptions) {}

  /** Writes the rendered alert followed by a blank line; resolves once the stream accepted it. */
  send(notification: Notification): Promise<void> {
    return this.write(
      `${renderTerminalAlert(notification, { color: this.options.color ?? false })}\n`,
    );
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
