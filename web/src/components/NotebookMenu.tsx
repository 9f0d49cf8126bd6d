import { useState } from 'react';
import type { NotebookSummary } from '../api/notebooks-api';
import type { SaveState } from '../hooks/use-notebook-autosave';
import type { OpenNotebook } from '../notebook/open-notebook';

interface Props {
  signedIn: boolean;
  open: OpenNotebook | null;
  list: NotebookSummary[] | null;
  save: SaveState;
  onCreate: () => void;
  onOpen: (id: string) => void;
  onRename: (id: string, name: string) => void;
  onDuplicate: (id: string) => void;
  onDelete: (id: string) => void;
  onUnshare: (id: string) => void;
  onSaveToAccount: () => void;
  onShare: () => void;
  onKeepMine: () => void;
  onLoadTheirs: () => void;
  onRefresh: () => void;
}

/** The open notebook's name and save state, Share, and the list of the user's notebooks (a panel). */
export function NotebookMenu(p: Props) {
  const [panel, setPanel] = useState(false);
  const toggle = () => {
    if (!panel) p.onRefresh();
    setPanel(!panel);
  };
  // Picking a notebook (or making one) is done with the list: it closes.
  const rowProps = { ...p, onOpen: (id: string) => (setPanel(false), p.onOpen(id)) };
  return (
    <div className="nb-bar" data-testid="notebook-bar">
      <button
        type="button"
        className="nb-title"
        onClick={toggle}
        aria-expanded={panel}
        data-testid="notebooks-toggle"
        title="Your notebooks"
      >
        <span data-testid="notebook-name">{p.open ? p.open.name : 'Local notebook'}</span> ▾
      </button>
      <SaveBadge
        state={!p.signedIn && p.open ? { kind: 'error', text: 'sign in to save; kept locally' } : p.save}
        signedIn={p.signedIn}
        onKeepMine={p.onKeepMine}
        onLoadTheirs={p.onLoadTheirs}
      />
      {p.signedIn && !p.open && (
        <button type="button" onClick={p.onSaveToAccount} data-testid="save-to-account">
          Save to my account
        </button>
      )}
      {p.open && (
        <button type="button" onClick={p.onShare} data-testid="share" title="Copy a link to a read-only copy with its last results">
          Share
        </button>
      )}
      {panel && (
        <div
          className="nb-panel"
          role="dialog"
          aria-label="Your notebooks"
          data-testid="notebook-list"
          onKeyDown={(e) => e.key === 'Escape' && !(e.target instanceof HTMLInputElement) && setPanel(false)}
        >
          {!p.signedIn ? (
            <p className="muted small">
              Sign in to keep any number of named notebooks on the server. Signed out, this notebook lives in this browser only.
            </p>
          ) : (
            <>
              <div className="nb-panel-head">
                <strong>Your notebooks</strong>
                <button type="button" onClick={() => (setPanel(false), p.onCreate())} data-testid="new-notebook">
                  + New
                </button>
                <button type="button" className="icon-btn" onClick={() => setPanel(false)} aria-label="Close the list">
                  ✕
                </button>
              </div>
              {p.list === null ? <p className="muted small">Loading…</p> : null}
              {p.list?.length === 0 ? <p className="muted small">None yet: “+ New”, or “Save to my account” for this one.</p> : null}
              <ul>
                {p.list?.map((n) => (
                  <NotebookRow key={n.id} n={n} current={p.open?.id === n.id} {...rowProps} />
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function NotebookRow({ n, current, ...p }: Props & { n: NotebookSummary; current: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(n.name);
  return (
    <li className={`nb-item ${current ? 'current' : ''}`} data-testid="notebook-item" data-name={n.name}>
      {renaming ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setRenaming(false);
            if (name.trim() && name.trim() !== n.name) p.onRename(n.id, name.trim());
          }}
        >
          <input
            value={name}
            autoFocus
            maxLength={120}
            aria-label="New name"
            data-testid="rename-input"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setRenaming(false)}
          />
        </form>
      ) : (
        <button type="button" className="nb-open" onClick={() => p.onOpen(n.id)} aria-current={current} data-testid="open-notebook">
          {n.name}
        </button>
      )}
      <span className="muted small">
        {new Date(n.updatedAt).toLocaleString()}
        {n.shareToken ? ' · shared' : ''}
      </span>
      <span className="nb-item-actions">
        <button type="button" onClick={() => (setName(n.name), setRenaming(true))} data-testid="rename-notebook">
          Rename
        </button>
        <button type="button" onClick={() => p.onDuplicate(n.id)} data-testid="duplicate-notebook">
          Duplicate
        </button>
        {n.shareToken && (
          <button type="button" onClick={() => p.onUnshare(n.id)} data-testid="unshare-notebook">
            Stop sharing
          </button>
        )}
        <button type="button" className="nb-delete" onClick={() => p.onDelete(n.id)} data-testid="delete-notebook">
          Delete
        </button>
      </span>
    </li>
  );
}

function SaveBadge({
  state,
  signedIn,
  onKeepMine,
  onLoadTheirs,
}: {
  state: SaveState;
  signedIn: boolean;
  onKeepMine: () => void;
  onLoadTheirs: () => void;
}) {
  const text =
    state.kind === 'local'
      ? signedIn
        ? 'only in this browser'
        : 'kept in this browser'
      : state.kind === 'saving'
        ? 'saving…'
        : state.kind === 'saved'
          ? 'saved'
          : state.kind === 'offline'
            ? 'offline — kept locally'
            : state.kind === 'conflict'
              ? 'changed elsewhere'
              : `not saved: ${state.text}`;
  return (
    <span className={`save-state ${state.kind}`} data-testid="save-state" data-state={state.kind} role="status">
      {text}
      {state.kind === 'conflict' && (
        <>
          {' '}
          <button type="button" onClick={onKeepMine} data-testid="keep-mine">
            Keep mine
          </button>
          <button type="button" onClick={onLoadTheirs} data-testid="load-theirs">
            Load theirs
          </button>
        </>
      )}
    </span>
  );
}
