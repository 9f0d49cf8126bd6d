import { homedir } from 'node:os';
import { createInterface } from 'node:readline';
import type { FetchFn } from './api-client';

export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Everything sandboxctl touches outside itself, so the commands run in unit tests with fakes. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
  home: string;
  fetch: FetchFn;
  /** Asks on the terminal and resolves with the answer ('' on end of input or Ctrl+C). */
  prompt(question: string): Promise<string>;
  /** Resolves after ms, or at once when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls handler on Ctrl+C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  now(): number;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    home: homedir(),
    fetch: (input, init) => fetch(input, init),
    prompt: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        let answered = false;
        const done = (answer: string) => {
          if (answered) return;
          answered = true;
          rl.close();
          resolve(answer);
        };
        rl.on('SIGINT', () => {
          process.stderr.write('\n');
          done('');
        });
        rl.on('close', () => done(''));
        rl.question(question, done);
      }),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = setTimeout(finish, ms);
        function finish() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          resolve();
        }
        signal?.addEventListener('abort', finish, { once: true });
      }),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    now: () => Date.now(),
  };
}
