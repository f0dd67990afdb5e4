import { MessageReconstructor } from './MessageReconstructor';

/** One message of pasted text and the line it starts on (1-based). */
export interface TextMessage {
  readonly message: string;
  readonly line: number;
}

/**
 * Splits pasted text into its log messages through the reconstruction stage
 * (MessageReconstructor): one per line, except wrapped lines joined again, pretty-printed JSON
 * kept together and JSON traces expanded into their lines.
 */
export function splitText(text: string): TextMessage[] {
  const messages: TextMessage[] = [];
  const reconstructor = new MessageReconstructor((message, line) =>
    messages.push({ message, line }),
  );
  let start = 0;
  let line = 1;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end === -1) break;
    reconstructor.push(text.slice(start, end), line);
    start = end + 1;
    line += 1;
  }
  if (start < text.length) reconstructor.push(text.slice(start), line);
  reconstructor.end();
  return messages;
}
