/**
 * Which saved notebook the page's cells belong to (localStorage): the cells themselves stay in
 * the page's own key (store.ts), so an edit made offline survives a reload and is sent later.
 * No binding: the cells are the browser's local notebook.
 */
export interface OpenNotebook {
  id: string;
  name: string;
  /** The user it belongs to: another user signing in on this browser does not write to it. */
  owner: string;
  /** The server's version the cells were last saved over (or loaded from). */
  version: number;
  /** The cells changed since that version was saved. */
  dirty: boolean;
}

const KEY = 'pgsbx.notebook.open.v1';

export function loadOpenNotebook(storage: Storage = localStorage): OpenNotebook | null {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<OpenNotebook> | null;
    if (v && typeof v.id === 'string' && typeof v.owner === 'string' && typeof v.version === 'number') {
      return { id: v.id, name: String(v.name ?? ''), owner: v.owner, version: v.version, dirty: v.dirty === true };
    }
  } catch {
    // a broken entry: no binding
  }
  return null;
}

export function saveOpenNotebook(open: OpenNotebook | null, storage: Storage = localStorage): void {
  if (open) storage.setItem(KEY, JSON.stringify(open));
  else storage.removeItem(KEY);
}

/** `?share=TOKEN` or `#/shared/TOKEN`: the shared notebook the page was opened to show. */
export function shareTokenFrom(location: { search: string; hash: string }): string | null {
  const query = new URLSearchParams(location.search).get('share');
  if (query) return query;
  const m = /^#\/shared\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  return m ? m[1] : null;
}
