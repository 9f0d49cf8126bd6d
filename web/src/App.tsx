import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { cancelCostText } from './backends/pglite-backend';
import { ApiClient } from './api/client';
import { Account } from './components/Account';
import { ConfirmDialog } from './components/ConfirmDialog';
import { Checkpoints } from './components/Checkpoints';
import { HistoryPanel } from './components/HistoryPanel';
import { NotebookActions } from './components/NotebookActions';
import { NotebookMenu } from './components/NotebookMenu';
import { SchemaTree } from './components/SchemaTree';
import { ShortcutsSheet } from './components/ShortcutsSheet';
import { StatusBar } from './components/StatusBar';
import type { StatusMessage } from './hooks/status-message';
import { useAuth } from './hooks/use-auth';
import { useBackendMode } from './hooks/use-backend-mode';
import { useBackends } from './hooks/use-backends';
import { useCellRunner } from './hooks/use-cell-runner';
import { useConfirm } from './hooks/use-confirm';
import { useCheckpoints } from './hooks/use-checkpoints';
import { useDatabaseReset } from './hooks/use-database-reset';
import { useModeSwitch } from './hooks/use-mode-switch';
import { useNotebookCells } from './hooks/use-notebook-cells';
import { useNotebookFile } from './hooks/use-notebook-file';
import { useSandboxStatus } from './hooks/use-sandbox-status';
import { useSavedNotebooks } from './hooks/use-saved-notebooks';
import { useSharedLink } from './hooks/use-shared-link';
import { useQueryHistory } from './hooks/use-query-history';
import { useSchemaTree } from './hooks/use-schema-tree';
import { useWakeWatch } from './hooks/use-wake-watch';
import { lockWaitText, useSessionActivity } from './hooks/use-session-activity';
import { useShortcutsSheet } from './hooks/use-shortcuts-sheet';
import { useTheme } from './hooks/use-theme';
import { Cell } from './notebook/Cell';
import { focusCell } from './notebook/cell-focus';
import { formatSql } from './notebook/format-sql';
import { LOCAL_NOTEBOOK } from './notebook/query-history';
import './theme.css';
import './notebook-extras.css';
import './notebooks.css';

// markdown-it comes with the first text cell, not with every page load.
const MarkdownCell = lazy(() => import('./notebook/MarkdownCell'));
// Only a page opened from a share link needs the read-only view.
const SharedNotebookView = lazy(() => import('./components/SharedNotebookView'));

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
  const confirmDialog = useConfirm();
  const remoteActive = mode === 'remote' && activeReady;
  useWakeWatch(api, runner.remoteBusy, sandbox.setStatus);
  const checkpoints = useCheckpoints({
    api,
    active: remoteActive,
    afterReset: async () => {
      tree.clear();
      await Promise.all([tree.refresh(), sandbox.refresh()]);
    },
    handleAuthFailure: modeSwitch.handleAuthFailure,
    notify,
  });
  const file = useNotebookFile({
    currentCells: notebook.currentCells,
    replaceCells: notebook.replace,
    clearRuns: runner.clearRuns,
    confirm: confirmDialog.confirm,
    notify,
  });
  const saved = useSavedNotebooks({
    api,
    userId: auth.me?.userId ?? null,
    cells: notebook.cells,
    currentCells: notebook.currentCells,
    replaceCells: notebook.replace,
    runs: runner.runs,
    clearRuns: runner.clearRuns,
    confirm: confirmDialog.confirm,
    notify,
  });
  const sharedLink = useSharedLink();

  const activity = useSessionActivity(api, runner.runs, mode === 'remote' && remoteAllowed);
  const history = useQueryHistory(saved.open?.id ?? LOCAL_NOTEBOOK, runner.runs);
  const [historyOpen, setHistoryOpen] = useState(false);
  const theme = useTheme();
  const shortcuts = useShortcutsSheet();
  const { currentCells, add: addCell, change: changeCell } = notebook;
  const { runCell } = runner;

  /** Shift+Enter: run, then the next cell takes the keyboard (a new one after the last). */
  const runAndAdvance = useCallback(
    (id: string) => {
      void runCell(id);
      const cells = currentCells();
      const next = cells[cells.findIndex((c) => c.id === id) + 1];
      if (next) focusCell(next.id);
      else addCell(id);
    },
    [runCell, currentCells, addCell],
  );
  /** Alt+Enter: run, and write the next statement in a new cell below. */
  const runAndInsert = useCallback(
    (id: string) => {
      void runCell(id);
      addCell(id);
    },
    [runCell, addCell],
  );
  const formatCell = useCallback(
    async (id: string) => {
      const cell = currentCells().find((c) => c.id === id);
      if (!cell?.sql.trim()) return;
      try {
        const formatted = await formatSql(cell.sql);
        if (currentCells().find((c) => c.id === id)?.sql === cell.sql) changeCell(id, formatted);
      } catch (e) {
        notify({ kind: 'error', text: `The SQL could not be formatted: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
      }
    },
    [currentCells, changeCell],
  );
  const onFormat = useCallback((id: string) => void formatCell(id), [formatCell]);
  /** Runs a query from the history again, in a new cell at the end (the cells it came from stay as they are). */
  const rerun = (sql: string) => {
    const id = addCell(undefined, sql);
    void runCell(id);
  };
  const inTransaction = activity?.sessions.filter((s) => s.inTransaction).map((s) => s.name);
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
        <NotebookMenu
          signedIn={!!auth.me}
          open={saved.open}
          list={saved.list}
          save={saved.save}
          onCreate={() => void saved.create()}
          onOpen={(id) => void saved.openNotebook(id)}
          onRename={(id, name) => void saved.rename(id, name)}
          onDuplicate={(id) => void saved.duplicate(id)}
          onDelete={(id) => void saved.remove(id)}
          onUnshare={(id) => void saved.unshare(id)}
          onSaveToAccount={() => void saved.saveToAccount()}
          onShare={() => void saved.share()}
          onKeepMine={() => void saved.keepMine()}
          onLoadTheirs={() => void saved.loadTheirs()}
          onRefresh={() => void saved.refresh()}
        />
        {/* A shared copy is read-only: no run, add or import over it. */}
        {!sharedLink.token && (
          <NotebookActions
            onRunAll={() => void runner.runAll()}
            onAddCell={() => notebook.add()}
            onExport={file.exportFile}
            onImport={(f) => void file.importFile(f)}
            onAddText={() => addCell(undefined, '', 'markdown')}
            onToggleHistory={() => setHistoryOpen((o) => !o)}
            historyOpen={historyOpen}
          />
        )}
        <span className="spacer" />
        <button type="button" className="icon-btn" onClick={shortcuts.show} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
        <button
          type="button"
          className="icon-btn theme-toggle"
          onClick={theme.toggle}
          aria-pressed={theme.theme === 'dark'}
          title={theme.followsSystem ? 'Dark mode (now following the system)' : 'Dark mode'}
          data-testid="theme-toggle"
        >
          {theme.theme === 'dark' ? '☾ Dark' : '☀ Light'}
        </button>
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
        >
          {remoteActive && (
            <Checkpoints
              list={checkpoints.list}
              work={checkpoints.work}
              onOpen={() => void checkpoints.load()}
              onSave={checkpoints.save}
              onResetTo={checkpoints.resetTo}
              onDelete={checkpoints.remove}
            />
          )}
        </SchemaTree>
        {sharedLink.token && (
          <Suspense fallback={<main className="notebook muted small">Opening the shared notebook…</main>}>
            <SharedNotebookView
              token={sharedLink.token}
              notebooks={saved.notebooks}
              signedIn={!!auth.me}
              onFork={saved.fork}
              onClose={sharedLink.close}
            />
          </Suspense>
        )}
        <main className="notebook" data-testid="notebook" hidden={!!sharedLink.token}>
          {notebook.cells.map((c, i) =>
            c.kind === 'markdown' ? (
              <Suspense key={c.id} fallback={<div className="cell muted small">Loading the text cell…</div>}>
                <MarkdownCell
                  id={c.id}
                  index={i}
                  count={notebook.cells.length}
                  text={c.sql}
                  autoFocus={c.id === notebook.focusId}
                  onChange={notebook.change}
                  onToggleKind={notebook.toggleKind}
                  onAdvance={runAndAdvance}
                  onMove={notebook.move}
                  onDelete={notebook.remove}
                  onAddBelow={notebook.addBelow}
                />
              </Suspense>
            ) : (
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
                onRunAndAdvance={runAndAdvance}
                onRunAndInsert={runAndInsert}
                onFormat={onFormat}
                onToggleKind={notebook.toggleKind}
                lockWait={runner.runs[c.id]?.backend === 'remote' ? lockWaitText(activity, runner.runs[c.id].session) : null}
                cancelCost={cancelCost}
                onUseRealPostgres={useRealPostgres}
              />
            ),
          )}
          <button type="button" className="add-cell-wide" onClick={() => notebook.add()}>
            + Add cell
          </button>
        </main>
        {historyOpen && (
          <HistoryPanel entries={history.entries} onRerun={rerun} onClear={history.clear} onClose={() => setHistoryOpen(false)} />
        )}
      </div>
      {shortcuts.open && <ShortcutsSheet onClose={shortcuts.close} />}
      {confirmDialog.request && <ConfirmDialog request={confirmDialog.request} onAnswer={confirmDialog.answer} />}
      <StatusBar
        mode={mode}
        onChooseMode={(m) => void modeSwitch.chooseMode(m)}
        switching={modeSwitch.switching}
        pgliteStart={pgliteStart}
        status={sandbox.status}
        remoteBusy={runner.remoteBusy}
        session={session}
        sessions={sandbox.sessions}
        inTransaction={inTransaction}
        onSession={chooseSession}
        message={message}
        onDismiss={() => notify(null)}
      />
    </div>
  );
}
