import { useRef } from 'react';

interface Props {
  onRunAll: () => void;
  onAddCell: () => void;
  onExport: () => void;
  onImport: (file: File) => void;
  onAddText?: () => void;
  onToggleHistory?: () => void;
  historyOpen?: boolean;
}

/** The top bar's notebook buttons: run all, add a SQL or text cell, history, export and import a .sql file. */
export function NotebookActions({ onRunAll, onAddCell, onExport, onImport, onAddText, onToggleHistory, historyOpen }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="actions">
      <button type="button" className="primary" onClick={onRunAll} data-testid="run-all">
        ▶ Run all
      </button>
      <button type="button" onClick={onAddCell} data-testid="add-cell">
        + Cell
      </button>
      {onAddText && (
        <button type="button" onClick={onAddText} data-testid="add-text" title="Add a text (markdown) cell">
          + Text
        </button>
      )}
      {onToggleHistory && (
        <button type="button" onClick={onToggleHistory} aria-pressed={!!historyOpen} data-testid="history-toggle">
          History
        </button>
      )}
      <button type="button" onClick={onExport} data-testid="export">
        Export .sql
      </button>
      <button type="button" onClick={() => fileInput.current?.click()} data-testid="import">
        Import .sql
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".sql,text/plain,application/sql"
        hidden
        data-testid="import-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onImport(f);
          e.target.value = '';
        }}
      />
    </div>
  );
}
