import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { CheckpointList } from '../api/types';
import { formatAgo, formatSize } from './saved-text';
import { errorText, type Notify } from './status-message';

/** The controller's rule for a checkpoint name (CheckpointRequestDto), checked before asking it. */
export const CHECKPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const CHECKPOINT_NAME_HINT = '1–63 letters, digits, _, . or -, starting with a letter or digit';

interface Deps {
  api: ApiClient;
  /** Real Postgres is the active backend and the user may use it: the list is loaded. */
  active: boolean;
  /** After a reset to a checkpoint: the schema tree and the status bar show the new database. */
  afterReset: () => Promise<void>;
  handleAuthFailure: (e: unknown) => void;
  notify: Notify;
}

export type CheckpointWork = 'saving' | 'resetting' | 'deleting' | null;

/**
 * The user's named checkpoints on Real Postgres: the list, saving one (a name again replaces it),
 * resetting the database to one, deleting one. The controller's refusals (too many, over the
 * quota, a damaged archive) reach the status bar as they are worded there.
 */
export function useCheckpoints({ api, active, afterReset, handleAuthFailure, notify }: Deps) {
  const [list, setList] = useState<CheckpointList | null>(null);
  const [work, setWork] = useState<CheckpointWork>(null);

  const load = useCallback(async () => {
    if (!api.token) return;
    try {
      setList(await api.checkpoints());
    } catch (e) {
      handleAuthFailure(e);
    }
  }, [api, handleAuthFailure]);

  useEffect(() => {
    if (active) void load();
  }, [active, load]);

  /** Runs one change; on failure the status bar says what failed and why. */
  const change = useCallback(
    async (what: Exclude<CheckpointWork, null>, failure: string, fn: () => Promise<string>): Promise<boolean> => {
      setWork(what);
      try {
        notify({ kind: 'info', text: await fn() });
        return true;
      } catch (e) {
        notify({ kind: 'error', text: `${failure}: ${errorText(e)}` });
        handleAuthFailure(e);
        return false;
      } finally {
        setWork(null);
        void load();
      }
    },
    [notify, handleAuthFailure, load],
  );

  const save = useCallback(
    (name: string) => {
      if (!CHECKPOINT_NAME.test(name)) {
        notify({ kind: 'error', text: `"${name}" is not a checkpoint name: use ${CHECKPOINT_NAME_HINT}.` });
        return Promise.resolve(false);
      }
      return change('saving', `Saving checkpoint "${name}" failed`, async () => {
        const saved = await api.saveCheckpoint(name);
        return `Saved checkpoint "${saved.name}" (${formatSize(saved.bytes)}).`;
      });
    },
    [api, change, notify],
  );

  const resetTo = useCallback(
    (name: string) =>
      change('resetting', `Reset to "${name}" failed`, async () => {
        const savedAt = list?.checkpoints.find((c) => c.name === name)?.savedAt;
        await api.resetTo(name);
        await afterReset();
        return `Reset to checkpoint "${name}"${savedAt ? ` (saved ${formatAgo(savedAt, Date.now())})` : ''}.`;
      }),
    [api, change, list, afterReset],
  );

  const remove = useCallback(
    (name: string) =>
      change('deleting', `Deleting checkpoint "${name}" failed`, async () => {
        await api.deleteCheckpoint(name);
        return `Deleted checkpoint "${name}".`;
      }),
    [api, change],
  );

  return { list, work, load, save, resetTo, remove };
}
