import { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';

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
  /** `markdown`: plain text (no SQL completion or highlighting). */
  language?: 'sql' | 'markdown';
  /** Shift+Enter (default: as Ctrl/Cmd+Enter). */
  onRunAndAdvance?: () => void;
  /** Alt+Enter. */
  onRunAndInsert?: () => void;
  /** Shift+Alt+F. */
  onFormat?: () => void;
  /** Escape, after CodeMirror's own use of it (closing completions); Escape then Tab still leaves the editor. */
  onEscape?: () => void;
  /** Gets the function that puts the keyboard in this editor (null when it goes away). */
  registerFocus?: (focus: (() => void) | null) => void;
  placeholderText?: string;
  /** The textbox's accessible name ("Cell 1 SQL") and the id of what describes it (how to leave it). */
  label?: string;
  describedBy?: string;
}

/** Token colours from CSS variables, so light and dark themes both keep them readable (styles: theme.css). */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--tok-keyword)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--tok-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--tok-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--tok-type)' },
  { tag: [tags.special(tags.name), tags.special(tags.variableName)], color: 'var(--tok-name)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

const sqlLanguage = (schema: SQLNamespace) => sql({ dialect: PostgreSQL, schema, defaultSchema: 'public', upperCaseKeywords: false });

const theme = EditorView.theme({
  '&': { fontSize: '13.5px', backgroundColor: 'var(--editor-bg)' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', border: 'none', color: 'var(--gutter-text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
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
export function Editor({
  value,
  onChange,
  onRun,
  schema,
  marks,
  marksFor,
  autoFocus,
  language = 'sql',
  onRunAndAdvance,
  onRunAndInsert,
  onFormat,
  onEscape,
  registerFocus,
  placeholderText = '-- SQL… (Ctrl/Cmd+Enter runs the cell)',
  label,
  describedBy,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const attrs = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun, onRunAndAdvance, onRunAndInsert, onFormat, onEscape });
  callbacks.current = { onChange, onRun, onRunAndAdvance, onRunAndInsert, onFormat, onEscape };
  const key = (fn: () => void) => () => {
    fn();
    return true;
  };

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
          syntaxHighlighting(highlight),
          autocompletion({ activateOnTyping: true }),
          lintGutter(),
          placeholder(placeholderText),
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  callbacks.current.onRun();
                  return true;
                },
              },
              { key: 'Shift-Enter', run: key(() => (callbacks.current.onRunAndAdvance ?? callbacks.current.onRun)()) },
              { key: 'Alt-Enter', run: key(() => (callbacks.current.onRunAndInsert ?? callbacks.current.onRun)()) },
              { key: 'Shift-Alt-f', run: () => !!callbacks.current.onFormat && (callbacks.current.onFormat(), true) },
            ]),
          ),
          // below the completion keymap: Escape closes an open completion list first
          Prec.low(keymap.of([{ key: 'Escape', run: () => !!callbacks.current.onEscape && (callbacks.current.onEscape(), true) }])),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
          lang.current.of(language === 'sql' ? sqlLanguage(schema) : []),
          attrs.current.of(contentAttributes(label, describedBy)),
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
    registerFocus?.(() => v.focus());
    return () => {
      registerFocus?.(null);
      v.destroy();
    };
    // The view is created once; later prop changes are dispatched below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: attrs.current.reconfigure(contentAttributes(label, describedBy)) });
  }, [label, describedBy]);

  useEffect(() => {
    if (language !== 'sql') return;
    view.current?.dispatch({ effects: lang.current.reconfigure(sqlLanguage(schema)) });
  }, [schema, language]);

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

/** aria-label and aria-describedby on the editor's textbox (.cm-content), when given. */
function contentAttributes(label: string | undefined, describedBy: string | undefined) {
  return EditorView.contentAttributes.of({
    ...(label ? { 'aria-label': label } : {}),
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
  });
}
