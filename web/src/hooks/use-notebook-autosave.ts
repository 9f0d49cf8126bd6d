import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notebook, NotebooksApi } from '../api/notebooks-api';
import { BackendError } from '../backends/backend';
import { cellsToContent, contentToCells, type SavedCell } from '../notebook/notebook-doc';
import type { OpenNotebook } from '../notebook/open-notebook';
import type { CellDoc } from '../notebook/store';
import type { Notify } from './status-message';

/** What the bar says about the open notebook. */
export type SaveState =
  { kind: 'local' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'offline' } | { kind: 'conflict' } | { kind: 'error'; text: string };

/** Quiet time after the last keystroke before a save. */
export const AUTOSAVE_DELAY_MS = 800;
/** How soon a save that could not reach the server is tried again. */
const RETRY_MS = 5_000;

interface Deps {
  notebooks: NotebooksApi;
  /** The signed-in user, or null. */
  userId: string | null;
  cells: CellDoc[];
  currentCells: () => CellDoc[];
  replaceCells: (cells: SavedCell[]) => void;
  clearRuns: () => void;
  currentOpen: () => OpenNotebook | null;
  setOpen: (open: OpenNotebook | null) => void;
  notify: Notify;
}

/**
 * Keeps the open saved notebook and the server in step: every change is saved after a pause
 * (If-Match the version it was loaded at), a failed save is kept locally (the cells are in
 * localStorage anyway) and retried, and a write refused as stale becomes a conflict the user settles.
 */
export function useNotebookAutosave({
  notebooks,
  userId,
  cells,
  currentCells,
  replaceCells,
  clearRuns,
  currentOpen,
  setOpen,
  notify,
}: Deps) {
  const [state, setState] = useState<SaveState>({ kind: currentOpen() ? 'saved' : 'local' });
  /** The content as the server has it at the open notebook's version. */
  const lastSaved = useRef<string | null>(null);
  const inflight = useRef<Promise<boolean> | null>(null);
  const again = useRef(false);
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Shows `n` in the page: its cells replace the current ones, and it becomes the open notebook. */
  const load = useCallback(
    (n: Notebook, owner: string) => {
      const loaded = contentToCells(n.content);
      const shown = loaded.length ? loaded : [{ sql: '' }];
      lastSaved.current = cellsToContent(shown);
      replaceCells(shown);
      clearRuns();
      setOpen({ id: n.id, name: n.name, owner, version: n.version, dirty: false });
      setState({ kind: 'saved' });
    },
    [replaceCells, clearRuns, setOpen],
  );

  /** Saves now if anything changed; true once the server has the cells. */
  const flush = useCallback(async (): Promise<boolean> => {
    if (inflight.current) {
      again.current = true;
      return inflight.current;
    }
    const o = currentOpen();
    if (!o || o.owner !== userId) return true;
    const content = cellsToContent(currentCells());
    if (content === lastSaved.current) {
      if (o.dirty) setOpen({ ...o, dirty: false });
      return true;
    }
    clearTimeout(retry.current);
    setState({ kind: 'saving' });
    const attempt = (async () => {
      try {
        const saved = await notebooks.update(o.id, o.version, { content });
        const now = currentOpen();
        if (now?.id !== o.id) return true; // another notebook was opened meanwhile
        lastSaved.current = content;
        setOpen({ ...now, version: saved.version, name: saved.name, dirty: cellsToContent(currentCells()) !== content });
        setState({ kind: 'saved' });
        return true;
      } catch (e) {
        if (currentOpen()?.id !== o.id) return false;
        const status = e instanceof BackendError ? e.status : undefined;
        if (status === 409) setState({ kind: 'conflict' });
        else if (status === 404) {
          setOpen(null);
          setState({ kind: 'local' });
          notify({ kind: 'error', text: `“${o.name}” was deleted elsewhere; its cells stay here as this browser's local notebook.` });
        } else if (status === undefined || status >= 500 || status === 401 || status === 429) {
          setState({ kind: 'offline' });
          retry.current = setTimeout(() => void flush(), RETRY_MS);
        } else setState({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
        return false;
      }
    })();
    inflight.current = attempt;
    const ok = await attempt;
    inflight.current = null;
    if (again.current) {
      again.current = false;
      return flush();
    }
    return ok;
  }, [notebooks, userId, currentCells, currentOpen, setOpen, notify]);

  // Every change to the open notebook's cells: marked unsaved at once, saved after a pause.
  useEffect(() => {
    const o = currentOpen();
    if (!o || !userId || o.owner !== userId || lastSaved.current === null) return;
    if (cellsToContent(cells) === lastSaved.current) return;
    if (!o.dirty) setOpen({ ...o, dirty: true });
    const timer = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [cells, userId, currentOpen, setOpen, flush]);

  // Signed in (page load or sign-in) with a notebook open: send what was kept locally, or take a newer version.
  useEffect(() => {
    const o = currentOpen();
    if (!o || !userId || o.owner !== userId) return;
    let live = true;
    if (o.dirty) {
      // lastSaved unknown: anything differs, so flush sends the local cells over the version they were edited from.
      lastSaved.current = '';
      void flush();
      return;
    }
    lastSaved.current = cellsToContent(currentCells());
    notebooks.get(o.id).then(
      (n) => {
        if (!live || currentOpen()?.id !== o.id) return;
        if (n.version !== o.version && !currentOpen()?.dirty) load(n, userId);
        else setOpen({ ...currentOpen()!, name: n.name });
        setState({ kind: 'saved' });
      },
      (e) => {
        if (!live) return;
        if (e instanceof BackendError && e.status === 404) {
          setOpen(null);
          setState({ kind: 'local' });
          notify({
            kind: 'error',
            text: `“${o.name}” no longer exists on the server; its cells stay here as this browser's local notebook.`,
          });
        } else setState({ kind: 'offline' });
      },
    );
    return () => {
      live = false;
    };
    // Only when the user changes: opening notebooks goes through load().
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);

  useEffect(() => () => clearTimeout(retry.current), []);

  /** Conflict: write these cells over the server's newer version. */
  const keepMine = useCallback(async () => {
    const o = currentOpen();
    if (!o) return;
    try {
      const n = await notebooks.get(o.id);
      setOpen({ ...o, version: n.version, dirty: true });
      lastSaved.current = n.content;
      await flush();
    } catch (e) {
      setState({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  }, [notebooks, currentOpen, setOpen, flush]);

  /** Conflict: drop these cells and show the server's version. */
  const loadTheirs = useCallback(async () => {
    const o = currentOpen();
    if (!o || !userId) return;
    try {
      load(await notebooks.get(o.id), userId);
    } catch (e) {
      setState({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  }, [notebooks, currentOpen, userId, load]);

  /** No notebook open (signed out, deleted, or closed): the cells are the local notebook. */
  const detach = useCallback(() => {
    clearTimeout(retry.current);
    lastSaved.current = null;
    setOpen(null);
    setState({ kind: 'local' });
  }, [setOpen]);

  return { state, load, flush, keepMine, loadTheirs, detach };
}
