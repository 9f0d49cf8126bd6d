import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Backend } from '../backends/backend';
import type { Mode } from '../notebook/store';
import { completionSchema, EMPTY_TREE, parseSchemaResult, SCHEMA_SQL, type SchemaTree } from '../sql/schema';
import { errorText } from './status-message';
import type { Target } from './use-backend-mode';
import { LatestOnly } from './latest-only';

interface Deps {
  backendFor: (m: Mode) => Backend;
  target: () => Target;
  mode: Mode;
  /** The active backend can be queried (Real Postgres waits for a premium sign-in). */
  ready: boolean;
}

/** The catalog of the active database for the sidebar and completion; reloaded when the backend changes. */
export function useSchemaTree({ backendFor, target, mode, ready }: Deps) {
  const [tree, setTree] = useState<SchemaTree>(EMPTY_TREE);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The catalog could not be read now (inside the user's PGlite transaction): the tree shown is older. */
  const [stale, setStale] = useState(false);
  const [latest] = useState(() => new LatestOnly());

  const refresh = useCallback(async () => {
    const { mode: m } = target();
    const isLatest = latest.begin();
    setLoading(true);
    try {
      const out = await backendFor(m).readCatalog(SCHEMA_SQL);
      if (!isLatest()) return;
      setStale(out === null);
      if (out) setTree(parseSchemaResult(out.results));
      setError(null);
    } catch (e) {
      if (isLatest()) setError(errorText(e));
    } finally {
      if (isLatest()) setLoading(false);
    }
  }, [backendFor, target, latest]);

  /** The database was replaced (reset, PGlite restart): show nothing until the new catalog is in. */
  const clear = useCallback(() => setTree(EMPTY_TREE), []);

  useEffect(() => {
    if (!ready) return;
    setTree(EMPTY_TREE);
    void refresh();
  }, [mode, ready, refresh]);

  const schema = useMemo(() => completionSchema(tree), [tree]);
  return { tree, loading: loading && tree === EMPTY_TREE, error, stale, refresh, clear, schema };
}
