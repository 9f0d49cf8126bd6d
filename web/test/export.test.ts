import { describe, expect, it } from 'vitest';
import { toCsv, toJson } from '../src/results/export';

const fields = [
  { name: 'id', dataTypeID: 20 },
  { name: 'name', dataTypeID: 25 },
  { name: 'doc', dataTypeID: 3802 },
];

describe('CSV download', () => {
  it('quotes commas, quotes and line breaks, and keeps NULL apart from the empty string', () => {
    const rows = [
      { id: '9007199254740993', name: 'plain', doc: null },
      { id: '2', name: 'a, b', doc: { k: 'v"q' } },
      { id: '3', name: 'say "hi"', doc: [1, 2] },
      { id: '4', name: 'two\nlines', doc: null },
      { id: '5', name: '', doc: null },
      { id: null, name: ' padded', doc: null },
    ];
    expect(toCsv(fields, rows)).toBe(
      [
        'id,name,doc',
        '9007199254740993,plain,',
        '2,"a, b","{""k"":""v\\""q""}"',
        '3,"say ""hi""","[1,2]"',
        '4,"two\nlines",',
        '5,"",',
        ',"  padded",'.replace('  ', ' '),
        '',
      ].join('\r\n'),
    );
  });

  it('quotes a header that needs it', () => {
    expect(toCsv([{ name: 'a,b', dataTypeID: 25 }], [])).toBe('"a,b"\r\n');
  });
});

describe('JSON download', () => {
  it('keeps column order, int8 as strings, NULL as null and json as JSON', () => {
    const text = toJson(fields, [
      { doc: { a: [1] }, name: 'x', id: '9007199254740993' },
      { id: '2', name: null },
    ]);
    expect(JSON.parse(text)).toEqual([
      { id: '9007199254740993', name: 'x', doc: { a: [1] } },
      { id: '2', name: null, doc: null },
    ]);
    expect(Object.keys(JSON.parse(text)[0])).toEqual(['id', 'name', 'doc']);
  });

  it('writes NaN and Infinity floats as strings (JSON has no such numbers)', () => {
    expect(JSON.parse(toJson([{ name: 'f', dataTypeID: 701 }], [{ f: NaN }, { f: -Infinity }]))).toEqual([
      { f: 'NaN' },
      { f: '-Infinity' },
    ]);
  });
});
