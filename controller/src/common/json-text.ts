/**
 * A json/jsonb value as Postgres sent it. Postgres has already checked it is JSON, so the exec
 * response carries the text as it is (sandbox/result-writer.ts) instead of JSON.parse building
 * it in memory: parsed, deeply nested JSON costs ~25× its text in V8 objects, which is how one
 * user's 15 MB `[[[…]]]` grew the controller by 1.9 GB. Numbers keep every digit, too.
 * Anything else that serialises it (JSON.stringify) gets the parsed value, as before.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
