/** A GeoJSON-like geometry, decoded from (E)WKB or (E)WKT. Positions are [x, y] (z/m dropped for drawing, kept in `dims`). */
export type Position = number[];

export type Geometry = (
  | { type: 'Point'; coordinates: Position | null }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] }
) & { srid?: number; hasZ?: boolean; hasM?: boolean };

export type GeometryType = Geometry['type'];

export const TYPE_NAMES: Record<number, GeometryType> = {
  1: 'Point',
  2: 'LineString',
  3: 'Polygon',
  4: 'MultiPoint',
  5: 'MultiLineString',
  6: 'MultiPolygon',
  7: 'GeometryCollection',
};

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Calls fn for every position of the geometry (empty points are skipped). */
export function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      if (g.coordinates) fn(g.coordinates);
      return;
    case 'LineString':
    case 'MultiPoint':
      g.coordinates.forEach(fn);
      return;
    case 'Polygon':
    case 'MultiLineString':
      g.coordinates.forEach((r) => r.forEach(fn));
      return;
    case 'MultiPolygon':
      g.coordinates.forEach((p) => p.forEach((r) => r.forEach(fn)));
      return;
    case 'GeometryCollection':
      g.geometries.forEach((c) => eachPosition(c, fn));
      return;
  }
}

export function bbox(geoms: Geometry[]): BBox | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const g of geoms) {
    eachPosition(g, ([x, y]) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    });
  }
  return minX === Infinity ? null : { minX, minY, maxX, maxY };
}
