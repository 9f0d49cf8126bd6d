import { useEffect, useState } from 'react';
import type { NotebooksApi, SharedNotebook } from '../api/notebooks-api';
import { errorText } from '../hooks/status-message';
import { renderMarkdown } from '../notebook/markdown';
import { contentToCells, sharedResultsOf } from '../notebook/notebook-doc';
import { ResultView } from '../results/ResultView';

interface Props {
  token: string;
  notebooks: NotebooksApi;
  signedIn: boolean;
  /** Makes the copy a notebook of the user's and opens it; false when that did not happen. */
  onFork: (token: string) => Promise<boolean>;
  onClose: () => void;
}

/**
 * A shared notebook, read-only: its cells and the results they had when it was shared. Loaded
 * lazily (it brings markdown-it), only for pages opened from a share link.
 */
export default function SharedNotebookView({ token, notebooks, signedIn, onFork, onClose }: Props) {
  const [shared, setShared] = useState<SharedNotebook | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forking, setForking] = useState(false);

  useEffect(() => {
    let live = true;
    notebooks.shared(token).then(
      (s) => live && setShared(s),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [notebooks, token]);

  const fork = async () => {
    setForking(true);
    try {
      if (await onFork(token)) onClose();
    } finally {
      setForking(false);
    }
  };

  return (
    <main className="notebook shared-notebook" data-testid="shared-notebook">
      <div className="banner info shared-banner" role="status">
        {shared ? (
          <span>
            A read-only copy of <strong data-testid="shared-name">{shared.name}</strong>, as shared on{' '}
            {new Date(shared.sharedAt).toLocaleString()}.
          </span>
        ) : error ? (
          <span data-testid="shared-error">{error}</span>
        ) : (
          <span>Opening the shared notebook…</span>
        )}
        <span className="spacer" />
        {shared && (
          <button
            type="button"
            className="primary"
            onClick={() => void fork()}
            disabled={!signedIn || forking}
            data-testid="fork"
            title={signedIn ? 'Make it a notebook of yours, to edit and run' : 'Sign in to fork it'}
          >
            {signedIn ? 'Fork' : 'Sign in to fork'}
          </button>
        )}
        <button type="button" onClick={onClose} data-testid="close-shared">
          Back to my notebook
        </button>
      </div>
      {shared &&
        contentToCells(shared.content).map((c, i) =>
          c.kind === 'markdown' ? (
            // renderMarkdown escapes raw HTML and drops unsafe links (notebook/markdown.ts).
            <div
              key={i}
              className="cell markdown-body"
              data-testid="shared-cell"
              dangerouslySetInnerHTML={{ __html: renderMarkdown(c.sql) }}
            />
          ) : (
            <section key={i} className="cell" data-testid="shared-cell">
              <div className="cell-bar">
                <span className="cell-index">[{i + 1}]</span>
              </div>
              <pre className="shared-sql">{c.sql}</pre>
              <SharedResults results={sharedResultsOf(shared.results, i)} sql={c.sql} />
            </section>
          ),
        )}
    </main>
  );
}

function SharedResults({ results, sql }: { results: ReturnType<typeof sharedResultsOf>; sql: string }) {
  if (!results.length) return null;
  return (
    <div className="cell-output" data-testid="output">
      {results.map((r, i) => (
        <ResultView key={i} result={r} cellSql={sql} index={i} count={results.length} />
      ))}
    </div>
  );
}
