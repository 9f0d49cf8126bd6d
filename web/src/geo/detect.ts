import { Geometry } from './geometry';
import { looksLikeHexWkb, parseHexWkb } from './wkb';
import { looksLikeWkt, parseWkt } from './wkt';

const GEOJSON_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection']);

/** Decodes a cell value into a geometry if it is hex EWKB, (E)WKT or a GeoJSON geometry object; null otherwise. */
export function toGeometry(value: unknown): Geometry | null {
  try {
    if (looksLikeHexWkb(value)) return parseHexWkb(value);
    if (looksLikeWkt(value)) return parseWkt(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
      if (typeof v.type === 'string' && GEOJSON_TYPES.has(v.type) && (Array.isArray(v.coordinates) || Array.isArray(v.geometries)))
        return value as Geometry;
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * Finds the columns whose non-null values (a sample of them) all decode as geometries.
 * Geometry columns have no builtin OID, so detection is by shape of the values.
 */
export function geometryColumns(fields: { name: string }[], rows: Record<string, unknown>[], sample = 50): string[] {
  const out: string[] = [];
  for (const f of fields) {
    let seen = 0;
    let ok = true;
    for (const row of rows) {
      const v = row[f.name];
      if (v === null || v === undefined) continue;
      if (!toGeometry(v)) {
        ok = false;
        break;
      }
      if (++seen >= sample) break;
    }
    if (ok && seen > 0) out.push(f.name);
  }
  return out;
}
