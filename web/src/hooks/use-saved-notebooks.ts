import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import { NotebooksApi, type Notebook, type NotebookSummary } from '../api/notebooks-api';
import type { CellRun } from '../notebook/Cell';
import { cellsToContent, resultsForShare, type SavedCell } from '../notebook/notebook-doc';
import { loadOpenNotebook, saveOpenNotebook, type OpenNotebook } from '../notebook/open-notebook';
import { DEFAULT_CELLS, type CellDoc } from '../notebook/store';
import type { Confirm } from './use-confirm';
import { useCurrentState } from './use-current-state';
import { useNotebookAutosave } from './use-notebook-autosave';
import { errorText, type Notify } from './status-message';

interface Deps {
  api: ApiClient;
  userId: string | null;
  cells: CellDoc[];
  currentCells: () => CellDoc[];
  replaceCells: (cells: SavedCell[]) => void;
  runs: Record<string, CellRun>;
  clearRuns: () => void;
  confirm: Confirm;
  notify: Notify;
}

const DEFAULT_CONTENT = cellsToContent(DEFAULT_CELLS.map((sql) => ({ sql })));

/**
 * The signed-in user's saved notebooks: the list, the open one (autosaved), new / open / rename /
 * duplicate / delete, "Save to my account" for the local notebook, and sharing. Signed out, the
 * cells are the browser's local notebook (localStorage), as before notebooks were saved.
 */
export function useSavedNotebooks({ api, userId, cells, currentCells, replaceCells, runs, clearRuns, confirm, notify }: Deps) {
  const notebooks = useMemo(() => new NotebooksApi(api), [api]);
  const [open, setOpenState, currentOpen] = useCurrentState<OpenNotebook | null>(() => loadOpenNotebook());
  const setOpen = useCallback(
    (o: OpenNotebook | null) => {
      setOpenState(o);
      saveOpenNotebook(o);
    },
    [setOpenState],
  );
  const [list, setList] = useState<NotebookSummary[] | null>(null);
  const autosave = useNotebookAutosave({ notebooks, userId, cells, currentCells, replaceCells, clearRuns, currentOpen, setOpen, notify });
  const { load, flush, detach } = autosave;

  const refresh = useCallback(async () => {
    if (!userId) return setList(null);
    try {
      setList((await notebooks.list()).notebooks);
    } catch (e) {
      notify({ kind: 'error', text: `Your notebooks could not be listed: ${errorText(e)}` });
    }
  }, [notebooks, userId, notify]);

  // Signing out closes the account's notebook (it stays on the server); the page gets the starter cells.
  const previousUser = useRef(userId);
  useEffect(() => {
    const before = previousUser.current;
    previousUser.current = userId;
    void refresh();
    if (before && before !== userId && currentOpen()) {
      detach();
      replaceCells(DEFAULT_CELLS.map((sql) => ({ sql })));
      clearRuns();
    } else if (userId && currentOpen() && currentOpen()!.owner !== userId) detach();
  }, [userId, refresh, currentOpen, detach, replaceCells, clearRuns]);

  /** Before the page's local notebook is replaced: asks, unless it is empty or the starter cells. */
  const mayReplaceLocal = useCallback(async () => {
    if (currentOpen()) return flush();
    const content = cellsToContent(currentCells());
    if (content === DEFAULT_CONTENT || currentCells().every((c) => !c.sql.trim())) return true;
    return confirm({
      title: 'Replace the local notebook?',
      text: "This browser's local notebook is not saved to your account; opening another notebook replaces its cells. Use “Save to my account” first to keep them.",
      confirmLabel: 'Replace it',
    });
  }, [currentOpen, currentCells, flush, confirm]);

  const act = useCallback(
    async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (e) {
        notify({ kind: 'error', text: `${what} failed: ${errorText(e)}` });
        return undefined;
      } finally {
        void refresh();
      }
    },
    [notify, refresh],
  );

  const show = useCallback((n: Notebook | undefined) => n && userId && load(n, userId), [load, userId]);

  const create = useCallback(
    async (name = 'Untitled notebook') => {
      if (!(await mayReplaceLocal())) return;
      show(await act('Creating the notebook', () => notebooks.create(name, DEFAULT_CONTENT)));
    },
    [mayReplaceLocal, act, notebooks, show],
  );

  const openNotebook = useCallback(
    async (id: string) => {
      if (currentOpen()?.id === id || !(await mayReplaceLocal())) return;
      show(await act('Opening the notebook', () => notebooks.get(id)));
    },
    [currentOpen, mayReplaceLocal, act, notebooks, show],
  );

  const rename = useCallback(
    async (id: string, name: string) => {
      const o = currentOpen();
      if (o?.id === id) await flush();
      const version = currentOpen()?.id === id ? currentOpen()!.version : list?.find((n) => n.id === id)?.version;
      if (version === undefined) return;
      const saved = await act('Renaming', () => notebooks.update(id, version, { name }));
      const now = currentOpen();
      if (saved && now?.id === id) setOpen({ ...now, name: saved.name, version: saved.version });
    },
    [currentOpen, flush, list, act, notebooks, setOpen],
  );

  const duplicate = useCallback((id: string) => act('Duplicating', () => notebooks.duplicate(id)), [act, notebooks]);

  const remove = useCallback(
    async (id: string) => {
      const name = list?.find((n) => n.id === id)?.name ?? currentOpen()?.name ?? 'this notebook';
      const ok = await confirm({
        title: `Delete “${name}”?`,
        text: 'It is removed from your account, and its share link stops working. This cannot be undone.',
        confirmLabel: 'Delete',
      });
      if (!ok || (await act('Deleting', () => notebooks.remove(id))) === undefined) return;
      if (currentOpen()?.id === id) {
        detach();
        replaceCells(DEFAULT_CELLS.map((sql) => ({ sql })));
        clearRuns();
      }
    },
    [list, currentOpen, confirm, act, notebooks, detach, replaceCells, clearRuns],
  );

  /** The local notebook (signed out, or from before) becomes a notebook of the account. */
  const saveToAccount = useCallback(async () => {
    const made = await act('Saving to your account', () => notebooks.create('My notebook', cellsToContent(currentCells())));
    if (made && userId) load(made, userId);
  }, [act, notebooks, currentCells, userId, load]);

  /** Saves, then (re)takes the share snapshot with the last results and copies the link. */
  const share = useCallback(async () => {
    const o = currentOpen();
    if (!o) return;
    await flush();
    const link = await act('Sharing', () => notebooks.share(o.id, resultsForShare(currentCells(), runs)));
    if (!link) return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link.url);
      copied = true;
    } catch {
      // no clipboard permission: the link is in the message to copy by hand
    }
    notify({
      kind: 'info',
      text: `${copied ? 'Link copied' : 'Share link'}: ${link.url} (a read-only snapshot as of now; share again to update it)`,
    });
    return link.url;
  }, [currentOpen, flush, act, notebooks, currentCells, runs, notify]);

  const unshare = useCallback(
    async (id: string) => {
      if ((await act('Stopping sharing', () => notebooks.unshare(id))) !== undefined)
        notify({ kind: 'info', text: 'The share link no longer works.' });
    },
    [act, notebooks, notify],
  );

  const fork = useCallback(
    async (token: string) => {
      if (!(await mayReplaceLocal())) return false;
      const n = await act('Forking', () => notebooks.fork(token));
      show(n);
      return !!n;
    },
    [mayReplaceLocal, act, notebooks, show],
  );

  return {
    notebooks,
    open,
    list,
    save: autosave.state,
    keepMine: autosave.keepMine,
    loadTheirs: autosave.loadTheirs,
    refresh,
    create,
    openNotebook,
    rename,
    duplicate,
    remove,
    saveToAccount,
    share,
    unshare,
    fork,
  };
}
