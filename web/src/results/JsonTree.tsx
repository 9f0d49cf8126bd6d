import { useState } from 'react';

/** An expandable view of a JSON value; objects and arrays open on click. */
export function JsonTree({ value, name, depth = 0, openDepth = 1 }: { value: unknown; name?: string; depth?: number; openDepth?: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const label = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {label}
        <JsonScalar value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className="json-node">
      <button type="button" className="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="caret">{open ? '▾' : '▸'}</span>
        {label}
        <span className="json-punct">{brackets[0]}</span>
        {!open && (
          <span className="json-summary">
            {entries.length} {Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}
            <span className="json-punct">{brackets[1]}</span>
          </span>
        )}
      </button>
      {open && (
        <div className="json-children">
          {entries.map(([k, v]) => (
            <JsonTree key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          <div className="json-punct">{brackets[1]}</div>
        </div>
      )}
    </div>
  );
}

function JsonScalar({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- not an object (JsonTree renders those): undefined, if anything
  return <span>{String(value)}</span>;
}
