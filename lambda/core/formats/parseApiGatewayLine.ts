/** An API Gateway log line split into its request id / console time and its text. */
export interface ApiGatewayLine {
  /** `(<requestId>) ` prefix of execution logs (UUID for REST, base64-like for WebSocket). */
  readonly requestId: string | null;
  /** Epoch ms of a console-test line (`Thu Mar 31 16:18:04 UTC 2016 : ...`), else null. */
  readonly consoleTime: number | null;
  /** The text after the prefix. */
  readonly text: string;
}

const REQUEST_ID = /^[A-Za-z0-9+/=_-]{8,64}$/;
const CONSOLE =
  /^\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4}) : /;
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/**
 * Splits an execution-log line into request id and text with cheap character checks; the console
 * regex only runs on lines that look like a console date (` UTC ` near the start).
 */
export function parseApiGatewayLine(message: string): ApiGatewayLine {
  if (message.charCodeAt(0) === 40 /* ( */) {
    const close = message.indexOf(') ', 1);
    if (close > 0 && close <= 65) {
      const id = message.slice(1, close);
      if (REQUEST_ID.test(id)) {
        return { requestId: id, consoleTime: null, text: message.slice(close + 2) };
      }
    }
  }
  const utc = message.indexOf(' UTC ');
  if (utc > 0 && utc < 40) {
    const match = CONSOLE.exec(message);
    if (match !== null) {
      const [whole, mon = '', day, hh, mm, ss, year] = match;
      const time = Date.UTC(
        Number(year),
        MONTHS.indexOf(mon) / 3,
        Number(day),
        Number(hh),
        Number(mm),
        Number(ss),
      );
      return { requestId: null, consoleTime: time, text: message.slice(whole.length) };
    }
  }
  return { requestId: null, consoleTime: null, text: message.trimStart() };
}
