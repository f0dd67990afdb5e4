import { readFile } from 'node:fs/promises';
import { InvalidPayloadError } from '../../lambda/core/errors';

/** One input to decode: a file's bytes (or stdin's) and a label for error messages. */
export interface RawInput {
  readonly label: string;
  readonly bytes: Buffer;
}

/** Reads each file (or stdin when `files` is empty); an unreadable file is a typed error naming it. */
export async function readInputs(files: readonly string[]): Promise<RawInput[]> {
  if (files.length === 0) {
    if (process.stdin.isTTY) {
      throw new InvalidPayloadError(
        'no-input',
        'no input: pass log FILEs, pipe logs on stdin, or use --sample',
      );
    }
    return [{ label: 'stdin', bytes: await readStream(process.stdin) }];
  }
  return Promise.all(files.map(readOne));
}

/** Reads a single file into a RawInput (`-` means stdin). */
export async function readOne(file: string): Promise<RawInput> {
  if (file === '-') return { label: 'stdin', bytes: await readStream(process.stdin) };
  try {
    return { label: file, bytes: await readFile(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidPayloadError('unreadable', `cannot read ${file} (${code})`, { cause: error });
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
