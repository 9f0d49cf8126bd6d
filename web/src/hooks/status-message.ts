/** The one-line message in the status bar (a refusal, a reset, an import). */
export interface StatusMessage {
  kind: 'info' | 'error';
  text: string;
}

/** Shows a message, or clears it with null. */
export type Notify = (message: StatusMessage | null) => void;

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
