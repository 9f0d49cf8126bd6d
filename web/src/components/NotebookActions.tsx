import { useRef } from 'react';

interface Props {
  onRunAll: () => void;
  onAddCell: () => void;
  onExport: () => void;
  onImport: (file: File) => void;
}

/** The top bar's notebook buttons: run all, add a cell, export and import a .sql file. */
export function NotebookActions({ onRunAll, onAddCell, onExport, onImport }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="actions">
      <button type="button" className="primary" onClick={onRunAll} data-testid="run-all">
        ▶ Run all
      </button>
      <button type="button" onClick={onAddCell} data-testid="add-cell">
        + Cell
      </button>
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
