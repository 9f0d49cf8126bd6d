import { useState } from 'react';
import type { Checkpoint, CheckpointList } from '../api/types';
import { CHECKPOINT_NAME_HINT, type CheckpointWork } from '../hooks/use-checkpoints';
import { formatAgo, formatSize } from '../hooks/saved-text';

interface Props {
  list: CheckpointList | null;
  work: CheckpointWork;
  onOpen: () => void;
  onSave: (name: string) => Promise<boolean>;
  onResetTo: (name: string) => Promise<boolean>;
  onDelete: (name: string) => Promise<boolean>;
}

/** What the panel shows: its buttons, a name being typed, the menu, or a question to confirm. */
type View =
  | { kind: 'buttons' }
  | { kind: 'naming'; name: string }
  | { kind: 'menu' }
  | { kind: 'confirm'; action: 'replace' | 'reset' | 'delete'; checkpoint: Checkpoint | { name: string } };

/** "Save checkpoint" and "Reset to…" beside Reset (Real Postgres only): named saves of the database. */
export function Checkpoints({ list, work, onOpen, onSave, onResetTo, onDelete }: Props) {
  const [view, setView] = useState<View>({ kind: 'buttons' });
  const now = Date.now();
  const checkpoints = list?.checkpoints ?? [];
  const close = () => setView({ kind: 'buttons' });

  if (view.kind === 'naming') {
    const submit = () => {
      const name = view.name.trim();
      const existing = checkpoints.find((c) => c.name === name);
      if (existing) return setView({ kind: 'confirm', action: 'replace', checkpoint: existing });
      close();
      void onSave(name);
    };
    return (
      <form
        className="checkpoints confirm"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="small">
          Checkpoint name
          <input
            autoFocus
            value={view.name}
            onChange={(e) => setView({ kind: 'naming', name: e.target.value })}
            placeholder="before-migration"
            title={CHECKPOINT_NAME_HINT}
            maxLength={63}
            data-testid="checkpoint-name"
          />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={!view.name.trim()} data-testid="checkpoint-save">
            Save
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  if (view.kind === 'confirm') {
    const { action, checkpoint } = view;
    const saved = 'savedAt' in checkpoint ? ` (saved ${formatAgo(checkpoint.savedAt, now)})` : '';
    const question = {
      replace: `Replace checkpoint "${checkpoint.name}"${saved} with the database as it is now?`,
      reset: `Reset to "${checkpoint.name}"${saved}? Everything in your database now is replaced by the checkpoint.`,
      delete: `Delete checkpoint "${checkpoint.name}"${saved}?`,
    }[action];
    const act = { replace: onSave, reset: onResetTo, delete: onDelete }[action];
    return (
      <div className="checkpoints confirm" role="alertdialog" aria-label={`Confirm ${action}`}>
        <span>{question}</span>
        <div className="row">
          <button
            type="button"
            className={action === 'replace' ? 'primary' : 'danger'}
            onClick={() => {
              close();
              void act(checkpoint.name);
            }}
            data-testid="checkpoint-confirm"
          >
            {{ replace: 'Replace', reset: 'Yes, reset', delete: 'Delete' }[action]}
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="checkpoints">
      <div className="row">
        <button type="button" onClick={() => setView({ kind: 'naming', name: '' })} disabled={work !== null} data-testid="save-checkpoint">
          {work === 'saving' ? 'Saving…' : 'Save checkpoint'}
        </button>
        <button
          type="button"
          aria-expanded={view.kind === 'menu'}
          onClick={() => {
            if (view.kind === 'menu') return close();
            onOpen();
            setView({ kind: 'menu' });
          }}
          disabled={work !== null}
          data-testid="reset-to"
        >
          {work === 'resetting' ? 'Resetting…' : 'Reset to…'}
        </button>
      </div>
      {view.kind === 'menu' && (
        <ul className="checkpoint-menu" role="menu" data-testid="checkpoint-menu">
          {checkpoints.length === 0 && <li className="muted small">No checkpoints yet: save one first.</li>}
          {checkpoints.map((c) => (
            <li key={c.name} data-testid={`checkpoint-${c.name}`}>
              <button
                type="button"
                role="menuitem"
                className="checkpoint-pick"
                title={`Reset to "${c.name}", saved ${new Date(c.savedAt).toLocaleString()}`}
                onClick={() => setView({ kind: 'confirm', action: 'reset', checkpoint: c })}
              >
                <span className="checkpoint-name">{c.name}</span>
                <span className="muted small">
                  {formatAgo(c.savedAt, now)} · {formatSize(c.bytes)}
                </span>
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Delete checkpoint ${c.name}`}
                title={`Delete checkpoint "${c.name}"`}
                onClick={() => setView({ kind: 'confirm', action: 'delete', checkpoint: c })}
                data-testid={`checkpoint-delete-${c.name}`}
              >
                ✕
              </button>
            </li>
          ))}
          {list && (
            <li className="muted small">
              {checkpoints.length} of {list.max} checkpoints
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
