import { describe, expect, it } from 'vitest';
import { bbox } from '../src/geo/geometry';
import { geometryColumns, toGeometry } from '../src/geo/detect';
import { looksLikeHexWkb, parseHexWkb } from '../src/geo/wkb';
import { parseWkt } from '../src/geo/wkt';

// Values as the sandbox image's PostGIS prints them (`select '...'::geometry`).
const EWKB = {
  point: '0101000000000000000000F03F0000000000000040',
  pointSrid: '0101000020E6100000000000000000F03F0000000000000040',
  pointZ: '01010000A0E6100000000000000000F03F00000000000000400000000000000840',
  line: '01020000000300000000000000000000000000000000000000000000000000F03F000000000000F03F00000000000000400000000000000000',
  polygonWithHole:
    '0103000020110F00000200000005000000000000000000000000000000000000000000000000001040000000000000000000000000000010400000000000001040000000000000000000000000000010400000000000000000000000000000000005000000000000000000F03F000000000000F03F0000000000000040000000000000F03F00000000000000400000000000000040000000000000F03F0000000000000040000000000000F03F000000000000F03F',
  multiPoint: '0104000000020000000101000000000000000000000000000000000000000101000000000000000000F03F000000000000F03F',
  multiLine:
    '01050000000200000001020000000200000000000000000000000000000000000000000000000000F03F000000000000F03F0102000000020000000000000000000040000000000000004000000000000008400000000000000840',
  multiPolygon:
    '0106000020E6100000020000000103000000010000000400000000000000000000000000000000000000000000000000F03F0000000000000000000000000000F03F000000000000F03F000000000000000000000000000000000103000000010000000400000000000000000014400000000000001440000000000000184000000000000014400000000000001840000000000000184000000000000014400000000000001440',
  collection:
    '0107000020E6100000020000000101000000000000000000F03F000000000000004001020000000200000000000000000000000000000000000000000000000000F03F000000000000F03F',
  emptyPoint: '0101000000000000000000F87F000000000000F87F',
  geography: '0101000020E6100000CDCCCCCCCCCC2A400000000000404A40',
};

describe('parseHexWkb', () => {
  it('parses a plain WKB point', () => {
    expect(parseHexWkb(EWKB.point)).toEqual({ type: 'Point', coordinates: [1, 2] });
  });

  it('parses an EWKB point with SRID', () => {
    expect(parseHexWkb(EWKB.pointSrid)).toEqual({ type: 'Point', coordinates: [1, 2], srid: 4326 });
  });

  it('parses Z coordinates', () => {
    expect(parseHexWkb(EWKB.pointZ)).toEqual({ type: 'Point', coordinates: [1, 2, 3], srid: 4326, hasZ: true });
  });

  it('parses a linestring', () => {
    expect(parseHexWkb(EWKB.line)).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
        [2, 0],
      ],
    });
  });

  it('parses a polygon with a hole', () => {
    const g = parseHexWkb(EWKB.polygonWithHole);
    expect(g.type).toBe('Polygon');
    expect(g.srid).toBe(3857);
    if (g.type !== 'Polygon') throw new Error();
    expect(g.coordinates).toHaveLength(2);
    expect(g.coordinates[0][2]).toEqual([4, 4]);
    expect(g.coordinates[1][0]).toEqual([1, 1]);
  });

  it('parses multi geometries', () => {
    expect(parseHexWkb(EWKB.multiPoint)).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(parseHexWkb(EWKB.multiLine)).toEqual({
      type: 'MultiLineString',
      coordinates: [
        [
          [0, 0],
          [1, 1],
        ],
        [
          [2, 2],
          [3, 3],
        ],
      ],
    });
    const mp = parseHexWkb(EWKB.multiPolygon);
    expect(mp.type).toBe('MultiPolygon');
    expect(mp.srid).toBe(4326);
    if (mp.type !== 'MultiPolygon') throw new Error();
    expect(mp.coordinates[1][0][0]).toEqual([5, 5]);
  });

  it('parses a geometry collection; members inherit the SRID', () => {
    const gc = parseHexWkb(EWKB.collection);
    expect(gc).toEqual({
      type: 'GeometryCollection',
      srid: 4326,
      geometries: [
        { type: 'Point', coordinates: [1, 2], srid: 4326 },
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
          srid: 4326,
        },
      ],
    });
  });

  it('parses an empty point as null coordinates', () => {
    expect(parseHexWkb(EWKB.emptyPoint)).toEqual({ type: 'Point', coordinates: null });
  });

  it('parses big-endian (XDR) WKB', () => {
    const be = '00' + '00000002' + '00000002' + '0000000000000000'.repeat(2) + '3FF0000000000000'.repeat(2);
    expect(parseHexWkb(be)).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
  });

  it('parses ISO WKB Z type codes', () => {
    const iso = '01' + 'E9030000' + '000000000000F03F' + '0000000000000040' + '0000000000000840';
    expect(parseHexWkb(iso)).toEqual({ type: 'Point', coordinates: [1, 2, 3], hasZ: true });
  });

  it('rejects truncated and trailing input', () => {
    expect(() => parseHexWkb(EWKB.line.slice(0, -2))).toThrow();
    expect(() => parseHexWkb(EWKB.point + '00')).toThrow();
    expect(() => parseHexWkb('01FF000000')).toThrow();
  });
});

describe('parseWkt', () => {
  it('parses points, EWKT and dimensions', () => {
    expect(parseWkt('POINT(1 2)')).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(parseWkt('SRID=4326;POINT Z (1 2 3)')).toEqual({ type: 'Point', coordinates: [1, 2, 3], hasZ: true, srid: 4326 });
    expect(parseWkt('POINT EMPTY')).toEqual({ type: 'Point', coordinates: null });
  });

  it('parses polygons and multi geometries', () => {
    expect(parseWkt('POLYGON((0 0,4 0,4 4,0 0),(1 1,2 1,2 2,1 1))').type).toBe('Polygon');
    expect(parseWkt('MULTIPOINT(0 0, 1 1)')).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(parseWkt('MULTIPOINT((0 0),(1 1))')).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(parseWkt('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))').type).toBe('MultiPolygon');
    const gc = parseWkt('GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(-1.5 0,1e1 1))');
    expect(gc).toEqual({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [1, 2] },
        {
          type: 'LineString',
          coordinates: [
            [-1.5, 0],
            [10, 1],
          ],
        },
      ],
    });
  });

  it('rejects garbage', () => {
    expect(() => parseWkt('POINT(1)')).toThrow();
    expect(() => parseWkt('POINT(1 2) x')).toThrow();
  });
});

describe('geometry detection', () => {
  it('recognises hex EWKB by shape only', () => {
    expect(looksLikeHexWkb(EWKB.geography)).toBe(true);
    expect(looksLikeHexWkb('0123')).toBe(false);
    expect(looksLikeHexWkb('hello')).toBe(false);
    expect(toGeometry('01ABCDEF0123456789')).toBeNull();
  });

  it('finds geometry columns among others', () => {
    const fields = [{ name: 'id' }, { name: 'geom' }, { name: 'wkt' }, { name: 'hexish' }];
    const rows = [
      { id: 1, geom: EWKB.geography, wkt: 'POINT(1 2)', hexish: '0100' },
      { id: 2, geom: null, wkt: 'LINESTRING(0 0, 1 1)', hexish: '01' },
    ];
    expect(geometryColumns(fields, rows)).toEqual(['geom', 'wkt']);
  });

  it('accepts GeoJSON objects (ST_AsGeoJSON::json)', () => {
    expect(toGeometry({ type: 'Point', coordinates: [1, 2] })).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(toGeometry({ type: 'Feature' })).toBeNull();
  });

  it('computes a bounding box', () => {
    const g = [parseHexWkb(EWKB.geography), parseWkt('LINESTRING(0 0, 20 60)')];
    expect(bbox(g)).toEqual({ minX: 0, minY: 0, maxX: 20, maxY: 60 });
    expect(bbox([parseHexWkb(EWKB.emptyPoint)])).toBeNull();
  });
});
