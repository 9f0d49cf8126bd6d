import { Geometry, Position } from './geometry';

const WKT_START =
  /^\s*(SRID=\d+\s*;\s*)?(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON|GEOMETRYCOLLECTION)\s*(Z|M|ZM)?\s*(\(|EMPTY)/i;

export function looksLikeWkt(value: unknown): value is string {
  return typeof value === 'string' && WKT_START.test(value);
}

export class WktError extends Error {}

/** Parses WKT or PostGIS EWKT (`SRID=4326;POINT(1 2)`), with optional Z/M/ZM and EMPTY. */
export function parseWkt(text: string): Geometry {
  const p = new Parser(text);
  let srid: number | undefined;
  const sridMatch = /^\s*SRID=(\d+)\s*;/i.exec(text);
  if (sridMatch) {
    srid = Number(sridMatch[1]);
    p.pos = sridMatch[0].length;
  }
  const g = p.geometry();
  p.skipWs();
  if (p.pos !== text.length) throw new WktError(`unexpected text at ${p.pos}`);
  return srid === undefined ? g : withSrid(g, srid);
}

function withSrid(g: Geometry, srid: number): Geometry {
  return { ...g, srid };
}

class Parser {
  pos = 0;
  constructor(private s: string) {}

  skipWs() {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }
  peek(): string {
    this.skipWs();
    return this.s[this.pos] ?? '';
  }
  expect(ch: string) {
    if (this.peek() !== ch) throw new WktError(`expected '${ch}' at ${this.pos}`);
    this.pos++;
  }
  word(): string {
    this.skipWs();
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.pos));
    if (!m) throw new WktError(`expected a word at ${this.pos}`);
    this.pos += m[0].length;
    return m[0].toUpperCase();
  }
  tryEmpty(): boolean {
    this.skipWs();
    if (/^EMPTY/i.test(this.s.slice(this.pos))) {
      this.pos += 5;
      return true;
    }
    return false;
  }
  number(): number {
    this.skipWs();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.pos));
    if (!m) throw new WktError(`expected a number at ${this.pos}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
  position(): Position {
    const p = [this.number(), this.number()];
    while (/^[\s]*[-+.\d]/.test(this.s.slice(this.pos)) && this.peek() !== ',' && this.peek() !== ')') p.push(this.number());
    return p;
  }
  list<T>(item: () => T): T[] {
    if (this.tryEmpty()) return [];
    this.expect('(');
    const out = [item()];
    while (this.peek() === ',') {
      this.pos++;
      out.push(item());
    }
    this.expect(')');
    return out;
  }
  /** A point inside MULTIPOINT: either `(1 2)` or bare `1 2`. */
  multiPointMember(): Position {
    if (this.peek() === '(') {
      this.pos++;
      const p = this.position();
      this.expect(')');
      return p;
    }
    return this.position();
  }
  geometry(): Geometry {
    let type = this.word();
    let hasZ = false;
    let hasM = false;
    this.skipWs();
    const dim = /^(ZM|Z|M)\b/i.exec(this.s.slice(this.pos));
    if (dim) {
      this.pos += dim[0].length;
      hasZ = /Z/i.test(dim[0]);
      hasM = /M/i.test(dim[0]);
    }
    const meta = { ...(hasZ ? { hasZ } : {}), ...(hasM ? { hasM } : {}) };
    const line = () => this.list(() => this.position());
    const poly = () => this.list(line);
    switch (type) {
      case 'POINT': {
        const pts = this.list(() => this.position());
        return { type: 'Point', coordinates: pts[0] ?? null, ...meta };
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: line(), ...meta };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: poly(), ...meta };
      case 'MULTIPOINT':
        return { type: 'MultiPoint', coordinates: this.list(() => this.multiPointMember()), ...meta };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: this.list(line), ...meta };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: this.list(poly), ...meta };
      case 'GEOMETRYCOLLECTION':
        return { type: 'GeometryCollection', geometries: this.list(() => this.geometry()), ...meta };
      default:
        type = type.toLowerCase();
        throw new WktError(`unsupported geometry type ${type}`);
    }
  }
}
