import { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers, placeholder } from '@codemirror/view';

export interface EditorMark {
  from: number;
  to: number;
  message: string;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  onRun: () => void;
  schema: SQLNamespace;
  marks: EditorMark[];
  /** The text the marks refer to; marks are only shown while the editor still holds it. */
  marksFor: string | null;
  autoFocus?: boolean;
}

const theme = EditorView.theme({
  '&': { fontSize: '13.5px', backgroundColor: 'var(--editor-bg)' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', border: 'none', color: '#9aa3ad' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { maxHeight: '420px', overflow: 'auto' },
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy #d1242f',
    textUnderlineOffset: '3px',
    backgroundColor: 'rgba(209,36,47,0.08)',
  },
});

/** A CodeMirror 6 SQL editor (PostgreSQL dialect) with schema-aware completion and error underlines. */
export function Editor({ value, onChange, onRun, schema, marks, marksFor, autoFocus }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          autocompletion({ activateOnTyping: true }),
          lintGutter(),
          placeholder('-- SQL… (Ctrl/Cmd+Enter runs the cell)'),
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  callbacks.current.onRun();
                  return true;
                },
              },
            ]),
          ),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
          lang.current.of(sql({ dialect: PostgreSQL, schema, defaultSchema: 'public', upperCaseKeywords: false })),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
          EditorView.lineWrapping,
          theme,
        ],
      }),
    });
    view.current = v;
    if (autoFocus) v.focus();
    return () => v.destroy();
    // The view is created once; later prop changes are dispatched below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: lang.current.reconfigure(sql({ dialect: PostgreSQL, schema, defaultSchema: 'public', upperCaseKeywords: false })),
    });
  }, [schema]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const len = v.state.doc.length;
    const diags: Diagnostic[] =
      marksFor !== null && v.state.doc.toString() === marksFor
        ? marks.map((m) => ({ from: Math.min(m.from, len), to: Math.min(m.to, len), severity: 'error', message: m.message }))
        : [];
    v.dispatch(setDiagnostics(v.state, diags));
  }, [marks, marksFor]);

  return <div className="editor" ref={host} data-testid="editor" />;
}
