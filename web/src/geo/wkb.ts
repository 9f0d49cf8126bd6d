import { Geometry, Position, TYPE_NAMES } from './geometry';

const EWKB_Z = 0x80000000;
const EWKB_M = 0x40000000;
const EWKB_SRID = 0x20000000;

export class WkbError extends Error {}

/** Whether a value looks like hex (E)WKB: a byte-order byte then hex digits, an even length. */
export function looksLikeHexWkb(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 18 && value.length % 2 === 0 && /^(00|01)[0-9a-fA-F]+$/.test(value);
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('\\x') ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new WkbError('not hex');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** Parses hex-encoded WKB or PostGIS EWKB (with or without SRID, Z, M; ISO Z/M type codes too). */
export function parseHexWkb(hex: string): Geometry {
  return parseWkb(hexToBytes(hex));
}

export function parseWkb(bytes: Uint8Array): Geometry {
  const reader = new Reader(bytes);
  const g = readGeometry(reader, undefined);
  if (reader.offset !== bytes.length) throw new WkbError(`trailing bytes after geometry at ${reader.offset}`);
  return g;
}

class Reader {
  offset = 0;
  private view: DataView;
  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number) {
    if (this.offset + n > this.bytes.length) throw new WkbError('unexpected end of WKB');
  }
  byte(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }
  uint32(le: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, le);
    this.offset += 4;
    return v;
  }
  double(le: boolean): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, le);
    this.offset += 8;
    return v;
  }
}

function readGeometry(r: Reader, inheritedSrid: number | undefined): Geometry {
  const order = r.byte();
  if (order !== 0 && order !== 1) throw new WkbError(`bad byte order ${order}`);
  const le = order === 1;
  let type = r.uint32(le);
  let hasZ = (type & EWKB_Z) !== 0;
  let hasM = (type & EWKB_M) !== 0;
  const hasSrid = (type & EWKB_SRID) !== 0;
  type &= 0x0fffffff;
  // ISO WKB: 1001 = Point Z, 2001 = Point M, 3001 = Point ZM
  if (type >= 1000 && type < 4000) {
    const dim = Math.floor(type / 1000);
    type %= 1000;
    hasZ = hasZ || dim === 1 || dim === 3;
    hasM = hasM || dim === 2 || dim === 3;
  }
  const srid = hasSrid ? r.uint32(le) : inheritedSrid;
  const name = TYPE_NAMES[type];
  if (!name) throw new WkbError(`unsupported geometry type ${type}`);
  const dims = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
  const point = (): Position => {
    const p: Position = [];
    for (let i = 0; i < dims; i++) p.push(r.double(le));
    return p;
  };
  const points = (): Position[] => {
    const n = count(r, le, dims * 8);
    const out: Position[] = [];
    for (let i = 0; i < n; i++) out.push(point());
    return out;
  };
  const rings = (): Position[][] => {
    const n = count(r, le, 4);
    const out: Position[][] = [];
    for (let i = 0; i < n; i++) out.push(points());
    return out;
  };
  const meta = { ...(srid !== undefined ? { srid } : {}), ...(hasZ ? { hasZ } : {}), ...(hasM ? { hasM } : {}) };
  const children = (): Geometry[] => {
    const n = count(r, le, 5);
    const out: Geometry[] = [];
    for (let i = 0; i < n; i++) out.push(readGeometry(r, srid));
    return out;
  };
  switch (name) {
    case 'Point': {
      const p = point();
      return { type: 'Point', coordinates: p.every((v) => Number.isNaN(v)) ? null : p, ...meta };
    }
    case 'LineString':
      return { type: 'LineString', coordinates: points(), ...meta };
    case 'Polygon':
      return { type: 'Polygon', coordinates: rings(), ...meta };
    case 'MultiPoint':
      return {
        type: 'MultiPoint',
        coordinates: children().flatMap((c) => (c.type === 'Point' && c.coordinates ? [c.coordinates] : [])),
        ...meta,
      };
    case 'MultiLineString':
      return {
        type: 'MultiLineString',
        coordinates: children().map((c) => (c.type === 'LineString' ? c.coordinates : [])),
        ...meta,
      };
    case 'MultiPolygon':
      return {
        type: 'MultiPolygon',
        coordinates: children().map((c) => (c.type === 'Polygon' ? c.coordinates : [])),
        ...meta,
      };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: children(), ...meta };
  }
}

function count(r: Reader, le: boolean, minBytesEach: number): number {
  const n = r.uint32(le);
  // A count larger than the remaining bytes could hold is corrupt input, not a reason to allocate.
  r.need(Math.min(n * minBytesEach, 0x7fffffff));
  return n;
}
