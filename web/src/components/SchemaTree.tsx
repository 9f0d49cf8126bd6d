import { useState, type ReactNode } from 'react';
import type { SchemaTree as Tree, TableInfo } from '../sql/schema';
import { isEmptyTree, KIND_LABEL } from '../sql/schema';

interface Props {
  tree: Tree;
  loading: boolean;
  error: string | null;
  backendLabel: string;
  onRefresh: () => void;
  onReset: () => void;
  resetting: boolean;
  /** More database actions beside Reset (checkpoints on Real Postgres). */
  children?: ReactNode;
}

export function SchemaTree({ tree, loading, error, backendLabel, onRefresh, onReset, resetting, children }: Props) {
  const [confirm, setConfirm] = useState(false);
  return (
    <aside className="sidebar" data-testid="schema-tree">
      <div className="sidebar-head">
        <h2>Schema</h2>
        <span className="muted small">{backendLabel}</span>
        <button type="button" className="icon-btn" onClick={onRefresh} title="Refresh the schema tree" aria-label="Refresh schema">
          ⟳
        </button>
      </div>
      <div className="tree-body">
        {loading && <div className="muted small">loading…</div>}
        {error && <div className="tree-error small">Could not read the schema: {error}</div>}
        {!loading && isEmptyTree(tree) && (
          <div className="muted small tree-empty" data-testid="tree-empty">
            No tables yet.
          </div>
        )}
        {tree.schemas.map((s) =>
          s.tables.length === 0 && s.functions.length === 0 && s.name === 'public' ? null : (
            <TreeNode key={s.name} label={s.name} kind="schema" open testid={`schema-${s.name}`}>
              {s.tables.map((t) => (
                <TableNode key={t.name} schema={s.name} table={t} />
              ))}
              {s.functions.length > 0 && (
                <TreeNode label={`functions (${s.functions.length})`} kind="group">
                  {s.functions.map((f, i) => (
                    <div key={i} className="tree-leaf" title={`${f.name}(${f.args})${f.result ? ' → ' + f.result : ''}`}>
                      <span className="tree-icon fn">ƒ</span>
                      {f.name}
                      <span className="muted">({f.args})</span>
                      {f.result && <span className="type"> → {f.result}</span>}
                    </div>
                  ))}
                </TreeNode>
              )}
            </TreeNode>
          ),
        )}
        {tree.extensions.length > 0 && (
          <div className="extensions small">
            <span className="muted">extensions:</span> {tree.extensions.map((e) => `${e.name} ${e.version}`).join(', ')}
          </div>
        )}
      </div>
      <div className="sidebar-foot">
        {confirm ? (
          <div className="confirm" role="alertdialog" aria-label="Confirm reset">
            <span>Drop everything and start from an empty database?</span>
            <div className="row">
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirm(false);
                  onReset();
                }}
              >
                Yes, reset
              </button>
              <button type="button" onClick={() => setConfirm(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="danger-outline" onClick={() => setConfirm(true)} disabled={resetting}>
            {resetting ? 'Resetting…' : 'Reset database'}
          </button>
        )}
        {children}
      </div>
    </aside>
  );
}

function TableNode({ schema, table }: { schema: string; table: TableInfo }) {
  return (
    <TreeNode
      label={table.name}
      kind={table.kind === 'v' || table.kind === 'm' ? 'view' : 'table'}
      title={`${KIND_LABEL[table.kind]} ${schema}.${table.name}`}
      testid={`table-${schema}.${table.name}`}
    >
      {table.columns.map((c) => (
        <div key={c.name} className="tree-leaf" data-testid={`column-${schema}.${table.name}.${c.name}`}>
          <span className="tree-icon col">▪</span>
          {c.name} <span className="type">{c.type}</span>
          {c.notNull && <span className="muted small"> not null</span>}
        </div>
      ))}
      {table.indexes.length > 0 && (
        <TreeNode label={`indexes (${table.indexes.length})`} kind="group">
          {table.indexes.map((i) => (
            <div key={i.name} className="tree-leaf" title={i.def}>
              <span className="tree-icon idx">⌁</span>
              {i.name}
            </div>
          ))}
        </TreeNode>
      )}
    </TreeNode>
  );
}

function TreeNode({
  label,
  kind,
  children,
  open: initial = false,
  title,
  testid,
}: {
  label: string;
  kind: string;
  children?: React.ReactNode;
  open?: boolean;
  title?: string;
  testid?: string;
}) {
  const [open, setOpen] = useState(initial);
  const icon = { schema: '▣', table: '▦', view: '◫', group: '' }[kind] ?? '';
  return (
    <div className={`tree-node kind-${kind}`} data-testid={testid}>
      <button type="button" className="tree-toggle" onClick={() => setOpen(!open)} aria-expanded={open} title={title}>
        <span className="caret">{open ? '▾' : '▸'}</span>
        {icon && <span className={`tree-icon ${kind}`}>{icon}</span>}
        {label}
      </button>
      {open && <div className="tree-children">{children}</div>}
    </div>
  );
}
