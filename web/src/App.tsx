import { useCallback, useMemo, useState } from 'react';
import { cancelCostText } from './backends/pglite-backend';
import { ApiClient } from './api/client';
import { Account } from './components/Account';
import { NotebookActions } from './components/NotebookActions';
import { SchemaTree } from './components/SchemaTree';
import { StatusBar } from './components/StatusBar';
import type { StatusMessage } from './hooks/status-message';
import { useAuth } from './hooks/use-auth';
import { useBackendMode } from './hooks/use-backend-mode';
import { useBackends } from './hooks/use-backends';
import { useCellRunner } from './hooks/use-cell-runner';
import { useDatabaseReset } from './hooks/use-database-reset';
import { useModeSwitch } from './hooks/use-mode-switch';
import { useNotebookCells } from './hooks/use-notebook-cells';
import { useNotebookFile } from './hooks/use-notebook-file';
import { useSandboxStatus } from './hooks/use-sandbox-status';
import { useSchemaTree } from './hooks/use-schema-tree';
import { Cell } from './notebook/Cell';

/** The notebook page: the state lives in hooks (src/hooks/), wired together here in dependency order. */
export function App() {
  const api = useMemo(() => new ApiClient(), []);
  const [message, notify] = useState<StatusMessage | null>(null);

  const auth = useAuth(api, notify);
  const backendMode = useBackendMode();
  const { mode, session } = backendMode;
  const remoteAllowed = !!auth.me?.premium;
  /** The active backend can be queried: PGlite always, Real Postgres once a premium sign-in is confirmed. */
  const activeReady = mode === 'pglite' || (auth.authChecked && remoteAllowed);
  const sandbox = useSandboxStatus(api, { active: mode === 'remote' && activeReady, poll: mode === 'remote' && remoteAllowed });
  const { backendFor, remote, pgliteStart, pgliteRestarted } = useBackends(api, { mode, onRemoteActivity: sandbox.refresh, notify });
  const tree = useSchemaTree({ backendFor, target: backendMode.target, mode, ready: activeReady });
  const modeSwitch = useModeSwitch({
    api,
    me: auth.me,
    authChecked: auth.authChecked,
    forget: auth.forget,
    mode,
    currentMode: backendMode.currentMode,
    setMode: backendMode.setMode,
    setStatus: sandbox.setStatus,
    onRemoteChosen: () => void remote.warmUp(session).catch(() => undefined),
    notify,
  });
  const notebook = useNotebookCells();
  const runner = useCellRunner({
    currentCells: notebook.currentCells,
    target: backendMode.target,
    backendFor,
    refreshTree: tree.refresh,
    clearTree: tree.clear,
    pgliteRestarted,
    handleAuthFailure: modeSwitch.handleAuthFailure,
    notify,
  });
  const reset = useDatabaseReset({
    currentMode: backendMode.currentMode,
    backendFor,
    pgliteRestarted,
    clearTree: tree.clear,
    refreshTree: tree.refresh,
    refreshStatus: sandbox.refresh,
    handleAuthFailure: modeSwitch.handleAuthFailure,
    notify,
  });
  const file = useNotebookFile({
    currentCells: notebook.currentCells,
    replaceCells: notebook.replace,
    clearRuns: runner.clearRuns,
    notify,
  });

  const { chooseMode } = modeSwitch;
  const useRealPostgres = useCallback(() => void chooseMode('remote'), [chooseMode]);
  const cancelCost = cancelCostText(pgliteStart?.persisted ?? false);

  const chooseSession = (s: string) => {
    backendMode.setSession(s);
    void tree.refresh();
  };

  return (
    <div className="app">
      <header className="topbar">
        <h1>
          <span className="logo">▚</span> Postgres sandbox
        </h1>
        <NotebookActions
          onRunAll={() => void runner.runAll()}
          onAddCell={() => notebook.add()}
          onExport={file.exportFile}
          onImport={(f) => void file.importFile(f)}
        />
        <span className="spacer" />
        <Account me={auth.me} devLogin={auth.devLogin} onLogin={auth.login} onToken={auth.signInWithToken} onLogout={modeSwitch.signOut} />
      </header>
      <div className="main">
        <SchemaTree
          tree={tree.tree}
          loading={tree.loading}
          error={tree.error}
          stale={tree.stale}
          backendLabel={mode === 'pglite' ? 'PGlite' : `Real Postgres · ${session}`}
          onRefresh={() => void tree.refresh()}
          onReset={() => void reset.reset()}
          resetting={reset.resetting}
        />
        <main className="notebook" data-testid="notebook">
          {notebook.cells.map((c, i) => (
            <Cell
              key={c.id}
              id={c.id}
              index={i}
              count={notebook.cells.length}
              sql={c.sql}
              run={runner.runs[c.id]}
              schema={tree.schema}
              autoFocus={c.id === notebook.focusId}
              onChange={notebook.change}
              onRun={runner.runCell}
              onCancel={runner.cancelCell}
              onMove={notebook.move}
              onDelete={notebook.remove}
              onAddBelow={notebook.addBelow}
              cancelCost={cancelCost}
              onUseRealPostgres={useRealPostgres}
            />
          ))}
          <button type="button" className="add-cell-wide" onClick={() => notebook.add()}>
            + Add cell
          </button>
        </main>
      </div>
      <StatusBar
        mode={mode}
        onChooseMode={(m) => void modeSwitch.chooseMode(m)}
        switching={modeSwitch.switching}
        pgliteStart={pgliteStart}
        status={sandbox.status}
        remoteBusy={runner.remoteBusy}
        session={session}
        sessions={sandbox.sessions}
        onSession={chooseSession}
        message={message}
        onDismiss={() => notify(null)}
      />
    </div>
  );
}
