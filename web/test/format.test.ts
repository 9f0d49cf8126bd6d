import { describe, expect, it } from 'vitest';
import type { RowsResult } from '../src/api/types';
import { changesSchema, commandTag, formatArray, formatDuration, formatValue, planKind, summary } from '../src/results/format';
import { normalizeRow } from '../src/backends/normalize';

const rows = (over: Partial<RowsResult>): RowsResult => ({ statement: 'select 1', rows: [], fields: [], durationMs: 1, ...over });

describe('formatValue', () => {
  it('marks numbers (also int8/numeric strings) as numeric', () => {
    expect(formatValue(42, { name: 'a', dataTypeID: 23 })).toEqual({ kind: 'number', text: '42' });
    expect(formatValue('9007199254740993', { name: 'a', dataTypeID: 20 })).toEqual({ kind: 'number', text: '9007199254740993' });
    expect(formatValue('12.50', { name: 'a', dataTypeID: 1700 })).toEqual({ kind: 'number', text: '12.50' });
    expect(formatValue(Infinity, { name: 'a', dataTypeID: 701 }).text).toBe('Infinity');
  });

  it('sets NULL apart from the text "NULL"', () => {
    expect(formatValue(null)).toEqual({ kind: 'null', text: 'NULL' });
    expect(formatValue('NULL', { name: 'a', dataTypeID: 25 })).toEqual({ kind: 'text', text: 'NULL' });
  });

  it('formats json compactly and booleans as words', () => {
    expect(formatValue({ a: [1, 2] }, { name: 'j', dataTypeID: 3802 })).toEqual({ kind: 'json', text: '{"a":[1,2]}' });
    expect(formatValue('x', { name: 'j', dataTypeID: 114 })).toEqual({ kind: 'json', text: '"x"' });
    expect(formatValue(false)).toEqual({ kind: 'bool', text: 'false' });
  });

  it('formats arrays as Postgres literals', () => {
    expect(formatArray([1, null, 'a b', 'x', ''])).toBe('{1,NULL,"a b",x,""}');
    expect(
      formatArray([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('{{1,2},{3,4}}');
  });
});

describe('summary and command tags', () => {
  it('prints the full command tag for commands without rows', () => {
    expect(summary(rows({ statement: 'create table t (id int)', command: 'CREATE' }))).toBe('✓ CREATE TABLE');
    expect(summary(rows({ statement: '-- make it\ncreate unique index i on t(id)', command: 'CREATE' }))).toBe('✓ CREATE INDEX');
    expect(summary(rows({ statement: 'CREATE OR REPLACE FUNCTION f() ...', command: 'CREATE' }))).toBe('✓ CREATE FUNCTION');
    expect(summary(rows({ statement: 'create materialized view v as select 1', command: 'CREATE' }))).toBe('✓ CREATE MATERIALIZED VIEW');
    expect(summary(rows({ statement: 'drop table if exists t', command: 'DROP TABLE' }))).toBe('✓ DROP TABLE');
    expect(summary(rows({ statement: 'begin', command: 'BEGIN' }))).toBe('✓ BEGIN');
    expect(summary(rows({ statement: 'create extension postgis' }))).toBe('✓ CREATE EXTENSION');
  });

  it('prints rows affected for DML', () => {
    expect(summary(rows({ statement: 'update t set v=1', command: 'UPDATE', affectedRows: 3 }))).toBe('3 rows affected');
    expect(summary(rows({ statement: 'insert into t values (1)', command: 'INSERT', affectedRows: 1 }))).toBe('1 row affected');
  });

  it('counts rows for queries', () => {
    expect(summary(rows({ fields: [{ name: 'a', dataTypeID: 23 }], rows: Array.from({ length: 10000 }, () => ({ a: 1 })) }))).toBe(
      '10,000 rows',
    );
  });

  it('knows which statements change the schema', () => {
    expect(changesSchema(rows({ statement: 'create table t()', command: 'CREATE' }))).toBe(true);
    expect(changesSchema(rows({ statement: 'alter table t add c int', command: 'ALTER' }))).toBe(true);
    expect(changesSchema(rows({ statement: 'select 1', command: 'SELECT', fields: [{ name: 'a', dataTypeID: 23 }] }))).toBe(false);
    expect(changesSchema(rows({ statement: 'select 1 into t2', command: 'SELECT' }))).toBe(true);
    expect(changesSchema({ statement: 'create table', error: { message: 'syntax error' } })).toBe(false);
    expect(commandTag('  /* a /* nested */ */ drop view v')).toBe('DROP VIEW');
  });

  it('detects plans', () => {
    expect(planKind(rows({ fields: [{ name: 'QUERY PLAN', dataTypeID: 25 }], rows: [{ 'QUERY PLAN': 'Seq Scan on t' }] }))).toBe('text');
    expect(planKind(rows({ fields: [{ name: 'QUERY PLAN', dataTypeID: 114 }], rows: [{ 'QUERY PLAN': [{ Plan: {} }] }] }))).toBe('json');
    expect(planKind(rows({ fields: [{ name: 'x', dataTypeID: 25 }], rows: [] }))).toBeNull();
  });

  it('formats durations', () => {
    expect(formatDuration(0.5)).toBe('0.50 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(2500)).toBe('2.50 s');
  });
});

describe('normalizeRow (PGlite values → controller convention)', () => {
  it('turns bigint, Date and bytes into strings', () => {
    const d = new Date('2024-01-02T03:04:05.000Z');
    expect(normalizeRow({ a: 10n, b: d, c: new Uint8Array([1, 255]), d: [1n, null], e: { x: 1 }, f: null })).toEqual({
      a: '10',
      b: '2024-01-02T03:04:05.000Z',
      c: '\\x01ff',
      d: ['1', null],
      e: { x: 1 },
      f: null,
    });
  });
});
