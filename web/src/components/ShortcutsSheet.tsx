import { useEffect, useRef } from 'react';

const SHORTCUTS: [string, string][] = [
  ['Ctrl/Cmd + Enter', 'Run the cell'],
  ['Shift + Enter', 'Run the cell and move to the next one (a new one after the last)'],
  ['Alt + Enter', 'Run the cell and insert a new cell below'],
  ['Shift + Alt + F', 'Format the SQL (PostgreSQL style)'],
  ['Esc, then Tab', 'Leave the editor (Tab alone indents); Shift+Tab goes back'],
  ['Ctrl + Space', 'Complete tables, columns and keywords'],
  ['Esc', 'In a text cell: show it rendered'],
  ['Enter', 'On a rendered text cell: edit it'],
  ['?', 'This sheet (outside an editor)'],
];

/** The keyboard shortcuts, in a dialog opened with "?" outside an editor. */
export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="sheet-backdrop" onClick={onClose}>
      <div
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onClick={(e) => e.stopPropagation()}
        data-testid="shortcuts-sheet"
      >
        <div className="sheet-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" className="icon-btn" onClick={onClose} aria-label="Close shortcuts">
            ✕
          </button>
        </div>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <th scope="row">
                  <kbd>{keys}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Whether a key press belongs to something that takes text (then "?" is a character, not the sheet). */
export function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || !!target.closest('input, textarea, select, .cm-editor');
}
