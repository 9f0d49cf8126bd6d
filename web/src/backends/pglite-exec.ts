import type { Notice, SandboxResult } from '../api/types';
import { requestPosition, splitSql } from '@pgsbx/contract';
import { normalizeRow, TEXT_ARRAY_TYPES, TEXT_TYPES } from './normalize';
import {
  copyToBlob,
  COPY_FROM_STDIN_HINT,
  createdExtension,
  isCopyFromStdin,
  isPostgis,
  missingExtensionHint,
  POSTGIS_HINT,
  POSTGIS_MESSAGE,
  refusal,
} from './pglite-limits';

/** The subset of PGlite this module needs (so it can be tested with a fake). */
export interface PgliteLike {
  exec(
    sql: string,
    options?: { parsers?: Record<number, (v: string) => unknown>; onNotice?: (n: NoticeLike) => void },
  ): Promise<
    {
      rows: Record<string, unknown>[];
      fields: { name: string; dataTypeID: number }[];
      command?: string;
      affectedRows?: number;
      rowCount?: number;
      /** What `COPY … TO '/dev/blob'` wrote. */
      blob?: Blob;
    }[]
  >;
}

interface NoticeLike {
  message?: string;
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

export type ArrayParser = (text: string, parse: (v: string) => unknown, typarray: number) => unknown;

export function makeParsers(arrayParser: ArrayParser): Record<number, (v: string) => unknown> {
  const id = (v: string) => v;
  const parsers: Record<number, (v: string) => unknown> = {};
  for (const t of TEXT_TYPES) parsers[t] = id;
  for (const arr of Object.keys(TEXT_ARRAY_TYPES)) parsers[Number(arr)] = (v) => arrayParser(v, id, Number(arr));
  return parsers;
}

const ROWS_AFFECTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'SELECT', 'MOVE', 'FETCH']);

/**
 * Runs a cell statement by statement, like the controller: one result per statement, the first
 * error stops the run, and an error position is mapped from the statement to the whole cell.
 */
export async function execCell(
  pg: PgliteLike,
  sql: string,
  parsers: Record<number, (v: string) => unknown>,
  now: () => number = () => performance.now(),
): Promise<SandboxResult[]> {
  const out: SandboxResult[] = [];
  for (const piece of splitSql(sql)) {
    const refused = refuse(piece.text);
    if (refused) {
      out.push(refused);
      break;
    }
    const blobSql = copyToBlob(piece.text);
    const notices: Notice[] = [];
    const onNotice = (n: NoticeLike) =>
      notices.push(clean({ severity: n.severity, message: n.message ?? '', code: n.code, detail: n.detail, hint: n.hint, where: n.where }));
    const t0 = now();
    try {
      const res = await pg.exec(blobSql ?? piece.text, { parsers, onNotice });
      const r = res[res.length - 1] ?? { rows: [], fields: [] };
      const durationMs = now() - t0;
      if (blobSql) {
        out.push(await copyOutput(piece.text, r.blob, durationMs, notices));
        continue;
      }
      const command = r.command?.toUpperCase();
      const affected = command && ROWS_AFFECTED.has(command) && r.fields.length === 0 ? (r.rowCount ?? r.affectedRows ?? 0) : undefined;
      out.push(
        clean({
          statement: piece.text,
          command,
          rows: r.rows.map(normalizeRow),
          fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
          affectedRows: affected,
          notices: notices.length ? notices : undefined,
          durationMs,
        }),
      );
    } catch (e) {
      const err = e as NoticeLike & { position?: string | number; message?: string };
      const pos = err.position !== undefined && err.position !== '' ? Number(err.position) : undefined;
      out.push(
        clean({
          statement: piece.text,
          error: clean({
            message: err.message ?? String(e),
            code: err.code,
            severity: err.severity,
            position: pos !== undefined && Number.isFinite(pos) ? requestPosition(sql, piece, pos) : undefined,
            detail: err.detail,
            hint: err.hint ?? extensionHint(piece.text, err.message),
            where: err.where,
          }),
          notices: notices.length ? notices : undefined,
          durationMs: now() - t0,
        }),
      );
      break;
    }
  }
  return out;
}

/** Statements PGlite cannot run as a server would: refused up front with the reason. */
function refuse(statement: string): SandboxResult | null {
  if (isCopyFromStdin(statement)) return refusal(statement, 'COPY FROM STDIN is not supported in PGlite', COPY_FROM_STDIN_HINT);
  const ext = createdExtension(statement);
  if (ext && isPostgis(ext)) return refusal(statement, POSTGIS_MESSAGE, POSTGIS_HINT);
  return null;
}

/** `COPY … TO STDOUT` as a one-column result, a row per line, as psql would print it. */
async function copyOutput(statement: string, blob: Blob | undefined, durationMs: number, notices: Notice[]): Promise<SandboxResult> {
  const text = blob ? await blob.text() : '';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text ? text.split('\n') : [];
  return clean({
    statement,
    command: 'COPY',
    rows: lines.map((line) => ({ 'COPY output': line })),
    fields: [{ name: 'COPY output', dataTypeID: 25 }],
    notices: notices.length ? notices : undefined,
    durationMs,
  });
}

function extensionHint(statement: string, message: string | undefined): string | undefined {
  const ext = createdExtension(statement);
  return ext && /is not available/.test(message ?? '') ? missingExtensionHint(ext) : undefined;
}

/** Drops undefined keys, so results look like the controller's JSON. */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
