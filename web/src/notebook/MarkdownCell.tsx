import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CellButtons } from './CellButtons';
import { registerCellFocus } from './cell-focus';
import { Editor } from './Editor';
import { renderMarkdown } from './markdown';

interface Props {
  id: string;
  index: number;
  count: number;
  text: string;
  /** A new markdown cell opens for writing. */
  autoFocus: boolean;
  onChange: (id: string, text: string) => void;
  onToggleKind: (id: string) => void;
  /** Shift+Enter: done writing, on to the next cell. */
  onAdvance: (id: string) => void;
  onMove: (id: string, delta: number) => void;
  onDelete: (id: string) => void;
  onAddBelow: (id: string) => void;
}

const NO_SCHEMA = {};

/**
 * A text cell: markdown rendered (markdown.ts escapes any HTML) until double-clicked or Enter is
 * pressed on it; Esc, Ctrl/Cmd+Enter or Shift+Enter shows it rendered again.
 */
export const MarkdownCell = memo(function MarkdownCell(p: Props) {
  const [editing, setEditing] = useState(p.autoFocus || !p.text.trim());
  const html = useMemo(() => renderMarkdown(p.text), [p.text]);
  const rendered = useRef<HTMLDivElement>(null);
  const { id, onAdvance } = p;

  useEffect(() => {
    if (editing) return;
    registerCellFocus(id, () => rendered.current?.focus());
    return () => registerCellFocus(id, null);
  }, [editing, id]);

  const done = useCallback(() => {
    setEditing(false);
    // the rendered text takes the keyboard, so Tab moves on from here
    requestAnimationFrame(() => rendered.current?.focus());
  }, []);

  return (
    <article className={`cell markdown-cell${editing ? ' is-editing' : ''}`} data-testid="cell" data-kind="markdown" data-status="idle">
      <div className="cell-bar">
        <span className="cell-index">[{p.index + 1}]</span>
        <button type="button" onClick={() => (editing ? done() : setEditing(true))} data-testid="markdown-edit">
          {editing ? '✓ Done' : '✎ Edit'}
        </button>
        <span className="badge">Text</span>
        <span className="spacer" />
        <button
          type="button"
          className="icon-btn"
          onClick={() => p.onToggleKind(id)}
          title="Make this a SQL cell"
          data-testid="toggle-kind"
        >
          SQL
        </button>
        <CellButtons id={id} index={p.index} count={p.count} onMove={p.onMove} onDelete={p.onDelete} onAddBelow={p.onAddBelow} />
      </div>
      {editing ? (
        <Editor
          value={p.text}
          onChange={(v) => p.onChange(id, v)}
          onRun={done}
          onRunAndAdvance={() => {
            setEditing(false);
            onAdvance(id);
          }}
          onEscape={done}
          schema={NO_SCHEMA}
          marks={[]}
          marksFor={null}
          autoFocus
          language="markdown"
          placeholderText="Text in markdown… (Esc or Ctrl/Cmd+Enter shows it)"
          registerFocus={(f) => registerCellFocus(id, f)}
        />
      ) : (
        <div
          ref={rendered}
          className="markdown-body"
          tabIndex={0}
          role="document"
          aria-label="Text cell (Enter or double-click to edit)"
          onDoubleClick={() => setEditing(true)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              setEditing(true);
            } else if (e.key === 'Enter' && e.shiftKey) {
              e.preventDefault();
              onAdvance(id);
            }
          }}
          data-testid="markdown-rendered"
          // renderMarkdown escapes raw HTML and drops script links (markdown.ts, test/markdown.test.ts)
          dangerouslySetInnerHTML={{ __html: html }}
        />
      )}
    </article>
  );
});

export default MarkdownCell;
