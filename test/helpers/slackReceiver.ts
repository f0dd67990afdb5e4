import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Slack's limits as published in the Block Kit reference; kept here independently of the
 * renderer's own table so that the test checks the renderer rather than echoing it.
 */
const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  messageText: 40_000,
};

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider']);

/** Every text string of a payload (top-level `text` and each text object), in document order. */
export function slackTexts(payload: unknown): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  const p = payload as { text?: unknown; blocks?: unknown };
  if (typeof p?.text === 'string') out.push({ type: 'fallback', text: p.text });
  if (!Array.isArray(p?.blocks)) return out;
  for (const block of p.blocks as Record<string, unknown>[]) {
    const objects: unknown[] = [];
    if (block.text) objects.push(block.text);
    if (Array.isArray(block.fields)) objects.push(...block.fields);
    if (Array.isArray(block.elements)) objects.push(...block.elements);
    for (const o of objects as { type?: unknown; text?: unknown }[]) {
      if (typeof o?.text === 'string') out.push({ type: String(o.type), text: o.text });
    }
  }
  return out;
}

/** Contents of the ``` code blocks of all mrkdwn texts, as written (still escaped). */
export function slackCodeBlocks(payload: unknown): string[] {
  const blocks: string[] = [];
  for (const t of slackTexts(payload)) {
    if (t.type !== 'mrkdwn') continue;
    const parts = t.text.split('```');
    for (let i = 1; i < parts.length; i += 2) blocks.push(parts[i] ?? '');
  }
  return blocks;
}

/**
 * Checks a webhook payload against Slack's limits and our safety rules; returns the problems
 * (empty when valid). Rules: 1-50 blocks of known types; header text plain_text 1-150 chars;
 * section text 1-3000 chars, at most 10 fields of 1-2000 chars; context 1-10 elements; text
 * objects typed plain_text or mrkdwn; no raw `<` or `>` and no `&` outside `&amp;` `&lt;` `&gt;`
 * in any text; balanced ``` fences in mrkdwn; all text under Slack's 40,000 characters.
 */
export function validateSlackPayload(payload: unknown): string[] {
  const problems: string[] = [];
  const p = payload as { text?: unknown; blocks?: unknown };
  if (typeof p !== 'object' || p === null) return ['payload is not a JSON object'];
  if (typeof p.text !== 'string' || p.text.trim() === '') problems.push('top-level text missing');
  if (!Array.isArray(p.blocks)) return [...problems, 'blocks missing'];
  const blocks = p.blocks as Record<string, unknown>[];
  if (blocks.length === 0 || blocks.length > LIMITS.blocks) {
    problems.push(`${blocks.length} blocks (1-${LIMITS.blocks} allowed)`);
  }
  blocks.forEach((block, i) => {
    const where = `block ${i} (${String(block.type)})`;
    if (!BLOCK_TYPES.has(String(block.type))) problems.push(`${where}: unknown block type`);
    if (block.type === 'header') {
      const text = block.text as { type?: unknown; text?: unknown } | undefined;
      if (text?.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
      checkLength(problems, where, text?.text, LIMITS.headerText);
    }
    if (block.type === 'section') {
      if (!block.text && !block.fields) problems.push(`${where}: section needs text or fields`);
      if (block.text) checkTextObject(problems, where, block.text, LIMITS.sectionText);
      if (block.fields !== undefined) {
        const fields = block.fields as unknown[];
        if (!Array.isArray(fields) || fields.length === 0 || fields.length > LIMITS.fields) {
          problems.push(`${where}: 1-${LIMITS.fields} fields allowed`);
        } else {
          for (const [j, f] of fields.entries()) {
            checkTextObject(problems, `${where} field ${j}`, f, LIMITS.fieldText);
          }
        }
      }
    }
    if (block.type === 'context') {
      const elements = block.elements as unknown[];
      if (
        !Array.isArray(elements) ||
        elements.length === 0 ||
        elements.length > LIMITS.contextElements
      ) {
        problems.push(`${where}: 1-${LIMITS.contextElements} elements allowed`);
      } else {
        for (const [j, e] of elements.entries()) {
          checkTextObject(problems, `${where} element ${j}`, e, LIMITS.contextText);
        }
      }
    }
  });
  let total = 0;
  for (const t of slackTexts(payload)) {
    total += t.text.length;
    if (/[<>]/.test(t.text)) problems.push(`unescaped < or > in ${t.type} text`);
    if (/&(?!amp;|lt;|gt;)/.test(t.text)) problems.push(`unescaped & in ${t.type} text`);
    if (t.type === 'mrkdwn' && t.text.split('```').length % 2 === 0) {
      problems.push('unbalanced ``` fence in mrkdwn text');
    }
  }
  if (total > LIMITS.messageText)
    problems.push(`${total} characters of text (max ${LIMITS.messageText})`);
  return problems;
}

function checkTextObject(problems: string[], where: string, value: unknown, max: number): void {
  const o = value as { type?: unknown; text?: unknown };
  if (o?.type !== 'plain_text' && o?.type !== 'mrkdwn') {
    problems.push(`${where}: text object type must be plain_text or mrkdwn`);
  }
  checkLength(problems, where, o?.text, max);
}

function checkLength(problems: string[], where: string, text: unknown, max: number): void {
  if (typeof text !== 'string' || text.trim().length === 0) {
    problems.push(`${where}: empty text`);
  } else if (text.length > max) {
    problems.push(`${where}: ${text.length} characters (max ${max})`);
  }
}

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
  readonly problems: readonly string[];
  readonly status: number;
}

/** A scripted answer: the next `times` requests get `status` (with `headers` and `body`). */
export interface ScriptedAnswer {
  readonly status: number;
  readonly times: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A local stand-in for a Slack incoming webhook. */
export interface SlackReceiver {
  /** Webhook URL, `http://127.0.0.1:<port>/services/...`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Payloads that were valid and answered 200. */
  readonly accepted: () => unknown[];
  /** Queues scripted answers (429 with Retry-After, 500, 404 ...) before normal handling. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 and a free port. Like Slack it answers `ok` to a valid payload and
 * 400 `invalid_blocks` to one that breaks the limits; every request is recorded with its problems.
 */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: { status: number; headers: Record<string, string>; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let problems: string[];
      try {
        body = JSON.parse(raw);
        problems = validateSlackPayload(body);
      } catch {
        body = raw;
        problems = ['body is not JSON'];
      }
      const scripted = queue.shift();
      const status = scripted?.status ?? (problems.length === 0 ? 200 : 400);
      const text = scripted?.body ?? (status === 200 ? 'ok' : 'invalid_blocks');
      requests.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
        problems,
        status,
      });
      res.writeHead(status, { 'content-type': 'text/plain', ...(scripted?.headers ?? {}) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0000TEST/B0000TEST/notARealSecretToken`,
    requests,
    accepted: () => requests.filter((r) => r.status === 200).map((r) => r.body),
    script: (...answers) => {
      for (const a of answers) {
        for (let i = 0; i < a.times; i += 1) {
          queue.push({
            status: a.status,
            headers: { ...(a.headers ?? {}) },
            body: a.body ?? `HTTP ${a.status}`,
          });
        }
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
