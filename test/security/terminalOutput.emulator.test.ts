/**
 * Finding 5: terminal injection. Escape sequences (clear screen, cursor moves, conceal, OSC 8
 * hyperlinks, window title, `\r`) in a principal, function or log group reached `diagnose`'s text
 * output raw, and a crafted caller drew a fake `add-permission ... --principal '*'` line; bidi
 * overrides passed through the `incidents` table. The built CLI is run on such input here and its
 * output checked byte by byte.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';

const ESC = '\u001b';
const BEL = '\u0007';
// The caller ends the line and draws an indented "command" of its own on the next one.
const CALLER = `arn:aws:iam::123456789012:role/x${ESC}[2J${ESC}[H${ESC}]0;owned${BEL}${ESC}]8;;https://evil.example${BEL}click${ESC}]8;;${BEL}\r\n\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0aws\u00a0lambda\u00a0add-permission\u00a0--principal\u00a0'*'`;
const FUNCTION = `arn:aws:lambda:us-east-1:123456789012:function:pay${ESC}[8m\u202eevil\u009b2J`;
const LOG_GROUP = `/aws/lambda/web${ESC}[31m\u202e`;

function payload(): string {
  const message = `User: ${CALLER} is not authorized to perform: lambda:InvokeFunction on resource: ${FUNCTION} because no identity-based policy allows the lambda:InvokeFunction action`;
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: LOG_GROUP,
    logStream: `stream${ESC}[2K`,
    subscriptionFilters: ['invoke-doctor'],
    logEvents: [
      { id: '1', timestamp: Date.parse('2026-05-04T10:00:00Z'), message },
      { id: '2', timestamp: Date.parse('2026-05-04T10:00:05Z'), message },
    ],
  });
}

/** Every byte a terminal could act on that is not a plain line break; empty when there is none. */
function controlBytes(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const found: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const next = bytes[i + 1] ?? 0;
    const third = bytes[i + 2] ?? 0;
    if ((b < 0x20 && b !== 0x0a) || b === 0x7f) found.push(`0x${b.toString(16)} at ${i}`);
    // C1 controls in UTF-8: C2 80..C2 9F
    if (b === 0xc2 && next >= 0x80 && next <= 0x9f) found.push(`C1 0x${next.toString(16)} at ${i}`);
    // bidi controls: E2 80 8E/8F/AA..AE, E2 81 A6..A9
    if (
      b === 0xe2 &&
      next === 0x80 &&
      (third === 0x8e || third === 0x8f || (third >= 0xaa && third <= 0xae))
    ) {
      found.push(`bidi U+20${third.toString(16)} at ${i}`);
    }
    if (b === 0xe2 && next === 0x81 && third >= 0xa6 && third <= 0xa9) found.push(`bidi at ${i}`);
  }
  return found;
}

/** Output lines that look like a command the caller drew (an indented add-permission for `*`). */
function drawnCommands(text: string): string[] {
  return text
    .split('\n')
    .filter((l) =>
      /^[\s\u00a0]*aws[\s\u00a0]+lambda[\s\u00a0]+add-permission.*--principal/.test(l),
    );
}

describe('terminal output of hostile log text (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-terminal-'));
  const input = join(dir, 'hostile.json');
  writeFileSync(input, payload());

  test('diagnose: no control byte, escape sequence or bidi override reaches stdout; they are removed or shown', () => {
    const run = runCli(['diagnose', input]);
    expect(run.code).toBe(0);
    expect(controlBytes(run.stdout)).toEqual([]);
    expect(drawnCommands(run.stdout)).toEqual([]);
    // Escape sequences inside a message are removed before matching (the reconstruction stage):
    // the window-title sequence is gone whole, and the caller ARN they broke is not a caller.
    expect(run.stdout).not.toContain('owned');
    expect(run.stdout).toContain('who:   unknown principal');
    // Values around the message (log group, stream) are shown visibly instead of obeyed.
    expect(run.stdout).toContain('/aws/lambda/web␛[31m<U+202E>');
    expect(run.stdout).toContain('stream␛[2K');
    expect(run.stdout).toContain('pay<U+202E>evil');
  });

  test('diagnose --json: the values are JSON-escaped, never raw control bytes', () => {
    const run = runCli(['diagnose', input, '--json']);
    expect(run.code).toBe(0);
    expect(controlBytes(run.stdout)).toEqual([]);
    const first = JSON.parse(run.stdout.split('\n')[0] ?? '');
    // The caller ARN broken by escape sequences does not validate: unknown, never rendered.
    expect(first.principal.arn).toBeNull();
    expect(first.logGroup).toBe(LOG_GROUP);
    expect(run.stdout).toContain('\\u001b[31m');
  });

  test('replay alerts, the incidents table and incidents show: the same, byte by byte', () => {
    const store = join(dir, 'store');
    const replay = runCli(['replay', input, '--store', store]);
    const table = runCli(['incidents', '--store', store]);
    const id = /^([0-9a-f]{10}-\d+)\s/m.exec(table.stdout)?.[1] ?? '';
    const show = runCli(['incidents', 'show', id, '--store', store]);
    for (const run of [replay, table, show]) {
      expect(run.code).toBe(0);
      expect(controlBytes(run.stdout)).toEqual([]);
      expect(drawnCommands(run.stdout)).toEqual([]);
    }
    expect(table.stdout).toContain('<U+202E>');
    expect(show.stdout).toContain('␛[31m');
  });
});
