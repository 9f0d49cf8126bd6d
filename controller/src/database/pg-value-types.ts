import { types } from 'pg';
import { JsonText } from '../common/json-text';

type Parser = (value: string) => unknown;

const raw: Parser = (v) => v;
const json: Parser = (v) => new JsonText(v);
const jsonArray: Parser = (v) => (stringArray(v) as (string | null)[]).map((x) => (x === null ? null : new JsonText(x)));
const stringArray = types.getTypeParser(1009 as never) as Parser; // text[]: elements stay strings
const finiteOrText: Parser = (v) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : v; // NaN and ±Infinity have no JSON number
};
const floatArray: Parser = (v) => (stringArray(v) as (string | null)[]).map((x) => (x === null ? null : finiteOrText(x)));

/**
 * Lossless text → JSON mapping: int8 and numeric stay strings, bytea is `\x…`, dates and times
 * keep the server's text (microseconds and time zones intact), json is passed through as its text
 * (JsonText), floats are numbers
 * unless they are NaN or infinite. Everything unknown (PostGIS geometry, vector, …) is its text.
 */
const OVERRIDES: Record<number, Parser> = {
  17: raw, // bytea
  114: json,
  3802: json, // jsonb
  199: jsonArray, // json[]
  3807: jsonArray, // jsonb[]
  1001: stringArray, // bytea[]
  1082: raw, // date
  1114: raw, // timestamp
  1184: raw, // timestamptz
  1182: stringArray,
  1115: stringArray,
  1185: stringArray,
  1186: raw, // interval
  1187: stringArray,
  1231: stringArray, // numeric[]
  700: finiteOrText,
  701: finiteOrText,
  1021: floatArray,
  1022: floatArray,
  600: raw, // point
  718: raw, // circle
  1017: stringArray, // point[]
};

export function valueParser(typeId: number): Parser {
  return OVERRIDES[typeId] ?? (types.getTypeParser(typeId, 'text') as Parser);
}
