import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient } from './api/client';
import type { Me, Role, SandboxStatus } from './api/types';
import { isErrorResult, PREMIUM_ROLES } from './api/types';
import { BackendError, type Backend } from './backends/backend';
import { PgliteBackend, type PgliteStart } from './backends/pglite-backend';
import { RemoteBackend } from './backends/remote-backend';
import { Account } from './components/Account';
import { SchemaTree } from './components/SchemaTree';
import { StatusBar } from './components/StatusBar';
import { Cell, type CellRun } from './notebook/Cell';
import { loadCells, loadMode, loadSession, makeCells, newCellId, saveCells, saveMode, saveSession, type CellDoc, type Mode } from './notebook/store';
import { changesSchema } from './results/format';
import { exportNotebook, importNotebook } from './sql/notebook-file';
import { completionSchema, EMPTY_TREE, parseSchemaResult, SCHEMA_SQL, type SchemaTree as Tree } from './sql/schema';

export const PREMIUM_TEXT = `Real Postgres is a premium feature (roles: ${PREMIUM_ROLES.join(', ')}). PGlite stays available to everyone.`;

type Message = { kind: 'info' | 'error'; text: string } | null;

export function App() {
  const api = useMemo(() => new ApiClient(), []);
  const [cells, setCells] = useState<CellDoc[]>(loadCells);
  const [runs, setRuns] = useState<Record<string, CellRun>>({});
  const [mode, setModeState] = useState<Mode>(loadMode);
  const [session, setSessionState] = useState(loadSession);
  const [me, setMe] = useState<Me | null>(null);
  const [authChecked, setAuthChecked] = useState(false);
  const [devLogin, setDevLogin] = useState<boolean | null>(null);
  const [status, setStatus] = useState<SandboxStatus | null>(null);
  const [tree, setTree] = useState<Tree>(EMPTY_TREE);
  const [treeLoading, setTreeLoading] = useState(false);
  const [treeError, setTreeError] = useState<string | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [switching, setSwitching] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [pgliteStart, setPgliteStart] = useState<PgliteStart | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);

  const cellsRef = useRef(cells);
  cellsRef.current = cells;
  const runsRef = useRef(runs);
  runsRef.current = runs;
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const queues = useRef(new Map<string, Promise<unknown>>());
  const skipped = useRef(new Set<string>());
  const runSeq = useRef(0);
  const treeGen = useRef(0);
  const pgliteRef = useRef<PgliteBackend | null>(null);

  useEffect(() => saveCells(cells), [cells]);

  const refreshStatus = useCallback(async () => {
    if (!api.token) return;
    try {
      setStatus(await api.status());
    } catch {
      // the status bar keeps the last known state
    }
  }, [api]);
  const remote = useMemo(() => new RemoteBackend(api, () => void refreshStatus()), [api, refreshStatus]);

  const pglite = useCallback((): PgliteBackend => {
    if (!pgliteRef.current) {
      const b = new PgliteBackend();
      pgliteRef.current = b;
      watchPgliteStart(b);
    }
    return pgliteRef.current;
  }, []);
  const watchPgliteStart = (b: PgliteBackend) => {
    setPgliteStart(null);
    b.ready.then(
      (st) => pgliteRef.current === b && setPgliteStart(st),
      (e: Error) => setMessage({ kind: 'error', text: e.message }),
    );
  };

  const backendFor = useCallback((m: Mode): Backend => (m === 'remote' ? remote : pglite()), [remote, pglite]);
  const modeRef = useRef(mode);
  modeRef.current = mode;

  const setMode = (m: Mode) => {
    setModeState(m);
    saveMode(m);
  };
  const setSession = (s: string) => {
    setSessionState(s);
    saveSession(s);
  };

  // PGlite starts with the page when it is the active backend, so the first run is quick.
  useEffect(() => {
    if (mode === 'pglite') pglite();
  }, [mode, pglite]);

  // Who is signed in, and whether the controller offers dev login.
  useEffect(() => {
    let live = true;
    (async () => {
      api.authConfig().then(
        (c) => live && setDevLogin(c.devLogin),
        () => live && setDevLogin(false),
      );
      if (api.token) {
        try {
          const m = await api.me();
          if (live) setMe(m);
        } catch (e) {
          if (e instanceof BackendError && e.status === 401) api.token = null;
        }
      }
      if (live) setAuthChecked(true);
    })();
    return () => {
      live = false;
    };
  }, [api]);

  // A remembered Real Postgres mode needs a premium user; otherwise fall back to PGlite.
  useEffect(() => {
    if (!authChecked || mode !== 'remote') return;
    if (!me || !me.premium) {
      setMode('pglite');
      setMessage({ kind: 'info', text: me ? PREMIUM_TEXT : 'Sign in with a premium role to use Real Postgres; using PGlite.' });
    }
  }, [authChecked, me, mode]);

  const activeReady = mode === 'pglite' || (authChecked && !!me?.premium);

  const refreshTree = useCallback(async () => {
    const m = modeRef.current;
    const gen = ++treeGen.current;
    setTreeLoading(true);
    try {
      const out = await backendFor(m).exec(SCHEMA_SQL, m === 'remote' ? sessionRef.current : 'main');
      if (gen !== treeGen.current) return;
      setTree(parseSchemaResult(out.results));
      setTreeError(null);
    } catch (e) {
      if (gen === treeGen.current) setTreeError(e instanceof Error ? e.message : String(e));
    } finally {
      if (gen === treeGen.current) setTreeLoading(false);
    }
  }, [backendFor]);

  useEffect(() => {
    if (!activeReady) return;
    setTree(EMPTY_TREE);
    void refreshTree();
    if (mode === 'remote') void refreshStatus();
  }, [mode, activeReady, refreshTree, refreshStatus]);

  // Sandbox state and idle expiry while in Real Postgres mode.
  useEffect(() => {
    if (mode !== 'remote' || !me?.premium) return;
    const t = setInterval(() => void refreshStatus(), 5000);
    return () => clearInterval(t);
  }, [mode, me, refreshStatus]);

  const updateRun = (id: string, patch: Partial<CellRun> & Pick<CellRun, 'status'>) =>
    setRuns((r) => ({ ...r, [id]: { ...(r[id] ?? { seq: 0, backend: 'pglite', session: 'main', sql: '', results: [] }), ...patch } as CellRun }));

  const handleAuthFailure = useCallback(
    (e: unknown) => {
      if (!(e instanceof BackendError)) return;
      if (e.status === 401) {
        api.token = null;
        setMe(null);
        setMode('pglite');
        setMessage({ kind: 'error', text: 'Your sign-in expired; switched to PGlite. Sign in again for Real Postgres.' });
      } else if (e.status === 403) {
        setMode('pglite');
        setMessage({ kind: 'error', text: e.message || PREMIUM_TEXT });
      }
    },
    [api],
  );

  /** Queues a cell on its backend+session; resolves true when every statement succeeded. */
  const runCell = useCallback(
    (id: string): Promise<boolean> => {
      const cell = cellsRef.current.find((c) => c.id === id);
      if (!cell) return Promise.resolve(false);
      const m = modeRef.current;
      const b = backendFor(m);
      const s = m === 'remote' ? sessionRef.current : 'main';
      const sql = cell.sql;
      const key = `${b.kind}:${s}`;
      skipped.current.delete(id);
      updateRun(id, { status: 'queued', seq: ++runSeq.current, backend: b.kind, session: s, sql, results: [], failure: undefined, notices: undefined, elapsedMs: undefined });
      const prev = queues.current.get(key) ?? Promise.resolve();
      const job = prev.then(async (): Promise<boolean> => {
        if (skipped.current.has(id)) {
          skipped.current.delete(id);
          updateRun(id, { status: 'done', failure: 'Cancelled before it started.' });
          return false;
        }
        const startedAt = performance.now();
        updateRun(id, { status: 'running', startedAt });
        try {
          const out = await b.exec(sql, s);
          updateRun(id, { status: 'done', results: out.results, notices: out.notices, elapsedMs: performance.now() - startedAt });
          if (out.results.some(changesSchema)) void refreshTree();
          return !out.results.some(isErrorResult);
        } catch (e) {
          updateRun(id, { status: 'done', failure: e instanceof Error ? e.message : String(e), elapsedMs: performance.now() - startedAt });
          handleAuthFailure(e);
          return false;
        }
      });
      queues.current.set(
        key,
        job.catch(() => false),
      );
      return job;
    },
    [backendFor, refreshTree, handleAuthFailure],
  );

  const runAll = useCallback(async () => {
    const ids = cellsRef.current.filter((c) => c.sql.trim()).map((c) => c.id);
    for (const id of ids) {
      const ok = await runCell(id);
      if (!ok) break;
    }
  }, [runCell]);

  const cancelCell = useCallback(
    async (id: string) => {
      const run = runsRef.current[id];
      if (!run) return;
      if (run.status === 'queued') {
        skipped.current.add(id);
        return;
      }
      if (run.status !== 'running') return;
      try {
        await backendFor(run.backend).cancel(run.session);
        if (run.backend === 'pglite') {
          watchPgliteStart(pgliteRef.current!);
          setTree(EMPTY_TREE);
          void refreshTree();
        }
      } catch (e) {
        setMessage({ kind: 'error', text: `Cancel failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    },
    [backendFor, refreshTree],
  );

  const resetDatabase = useCallback(async () => {
    const m = modeRef.current;
    setResetting(true);
    try {
      await backendFor(m).reset();
      if (m === 'pglite') watchPgliteStart(pgliteRef.current!);
      setTree(EMPTY_TREE);
      setMessage({ kind: 'info', text: m === 'remote' ? 'Reset: you now have a fresh Postgres container.' : 'Reset: PGlite restarted with an empty database.' });
      await refreshTree();
      if (m === 'remote') await refreshStatus();
    } catch (e) {
      setMessage({ kind: 'error', text: `Reset failed: ${e instanceof Error ? e.message : String(e)}` });
      handleAuthFailure(e);
    } finally {
      setResetting(false);
    }
  }, [backendFor, refreshTree, refreshStatus, handleAuthFailure]);

  const chooseMode = useCallback(
    async (m: Mode) => {
      if (m === modeRef.current) return;
      if (m === 'pglite') {
        setMode('pglite');
        setMessage(null);
        return;
      }
      if (!api.token || !me) {
        setMessage({ kind: 'error', text: `${PREMIUM_TEXT} Sign in first.` });
        return;
      }
      setSwitching(true);
      try {
        const st = await api.status();
        if (!me.premium) {
          setMessage({ kind: 'error', text: PREMIUM_TEXT });
          return;
        }
        setStatus(st);
        setMode('remote');
        setMessage(null);
      } catch (e) {
        const text = e instanceof BackendError && e.status === 403 ? e.message || PREMIUM_TEXT : `Real Postgres is not available: ${e instanceof Error ? e.message : String(e)}`;
        setMessage({ kind: 'error', text });
      } finally {
        setSwitching(false);
      }
    },
    [api, me],
  );

  const chooseSession = useCallback(
    (s: string) => {
      setSession(s);
      sessionRef.current = s;
      void refreshTree();
    },
    [refreshTree],
  );

  const login = useCallback(
    async (userId: string, role: Role) => {
      await api.devLogin(userId, role);
      setMe(await api.me());
      setMessage(null);
    },
    [api],
  );
  const useToken = useCallback(
    async (token: string) => {
      api.token = token;
      try {
        setMe(await api.me());
      } catch (e) {
        api.token = null;
        throw e;
      }
    },
    [api],
  );
  const logout = useCallback(() => {
    api.token = null;
    setMe(null);
    setStatus(null);
    if (modeRef.current === 'remote') setMode('pglite');
  }, [api]);

  // Cell editing
  const onChange = useCallback((id: string, sql: string) => setCells((cs) => cs.map((c) => (c.id === id ? { ...c, sql } : c))), []);
  const onMove = useCallback(
    (id: string, delta: number) =>
      setCells((cs) => {
        const i = cs.findIndex((c) => c.id === id);
        const j = i + delta;
        if (i < 0 || j < 0 || j >= cs.length) return cs;
        const next = cs.slice();
        [next[i], next[j]] = [next[j], next[i]];
        return next;
      }),
    [],
  );
  const onDelete = useCallback((id: string) => setCells((cs) => cs.filter((c) => c.id !== id)), []);
  const addCell = useCallback((afterId?: string) => {
    const cell = { id: newCellId(), sql: '' };
    setFocusId(cell.id);
    setCells((cs) => {
      const i = afterId ? cs.findIndex((c) => c.id === afterId) : -1;
      if (i < 0) return [...cs, cell];
      return [...cs.slice(0, i + 1), cell, ...cs.slice(i + 1)];
    });
  }, []);
  const onAddBelow = useCallback((id: string) => addCell(id), [addCell]);

  const fileInput = useRef<HTMLInputElement>(null);
  const exportFile = () => {
    const blob = new Blob([exportNotebook(cellsRef.current.map((c) => c.sql))], { type: 'application/sql' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'notebook.sql';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const importFile = async (f: File) => {
    const sqls = importNotebook(await f.text());
    setCells(makeCells(sqls.length ? sqls : ['']));
    setRuns({});
    setMessage({ kind: 'info', text: `Imported ${sqls.length} ${sqls.length === 1 ? 'cell' : 'cells'} from ${f.name}.` });
  };

  const schema = useMemo(() => completionSchema(tree), [tree]);
  const remoteBusy = Object.values(runs).some((r) => r.backend === 'remote' && r.status === 'running');
  const sessionNames = useMemo(() => {
    const n = Math.max(1, status?.limits?.maxSessions ?? 4);
    return ['main', ...Array.from({ length: n - 1 }, (_, i) => `s${i + 2}`)];
  }, [status]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>
          <span className="logo">▚</span> Postgres sandbox
        </h1>
        <div className="actions">
          <button type="button" className="primary" onClick={() => void runAll()} data-testid="run-all">
            ▶ Run all
          </button>
          <button type="button" onClick={() => addCell()} data-testid="add-cell">
            + Cell
          </button>
          <button type="button" onClick={exportFile} data-testid="export">
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
              if (f) void importFile(f);
              e.target.value = '';
            }}
          />
        </div>
        <span className="spacer" />
        <Account me={me} devLogin={devLogin} onLogin={login} onToken={useToken} onLogout={logout} />
      </header>
      <div className="main">
        <SchemaTree
          tree={tree}
          loading={treeLoading && tree === EMPTY_TREE}
          error={treeError}
          backendLabel={mode === 'pglite' ? 'PGlite' : `Real Postgres · ${session}`}
          onRefresh={() => void refreshTree()}
          onReset={() => void resetDatabase()}
          resetting={resetting}
        />
        <main className="notebook" data-testid="notebook">
          {cells.map((c, i) => (
            <Cell
              key={c.id}
              id={c.id}
              index={i}
              count={cells.length}
              sql={c.sql}
              run={runs[c.id]}
              schema={schema}
              autoFocus={c.id === focusId}
              onChange={onChange}
              onRun={runCell}
              onCancel={cancelCell}
              onMove={onMove}
              onDelete={onDelete}
              onAddBelow={onAddBelow}
            />
          ))}
          <button type="button" className="add-cell-wide" onClick={() => addCell()}>
            + Add cell
          </button>
        </main>
      </div>
      <StatusBar
        mode={mode}
        onChooseMode={(m) => void chooseMode(m)}
        switching={switching}
        pgliteStart={pgliteStart}
        status={status}
        remoteBusy={remoteBusy}
        session={session}
        sessions={sessionNames}
        onSession={chooseSession}
        message={message}
        onDismiss={() => setMessage(null)}
      />
    </div>
  );
}
