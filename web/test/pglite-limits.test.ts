import { describe, expect, it } from 'vitest';
import { copyToBlob, createdExtension, isCopyFromStdin, isPostgis, missingContrib } from '../src/backends/pglite-limits';

describe(isCopyFromStdin.name, () => {
  it('finds COPY … FROM STDIN through case, options and comments', () => {
    expect(isCopyFromStdin('copy t from stdin')).toBe(true);
    expect(isCopyFromStdin('-- load\nCOPY public.t (a, b) FROM STDIN WITH (FORMAT csv)')).toBe(true);
    expect(isCopyFromStdin("copy t from '/dev/blob'")).toBe(false);
    expect(isCopyFromStdin("select 'copy t from stdin'")).toBe(false);
  });
});

describe(copyToBlob.name, () => {
  it("sends COPY … TO STDOUT to PGlite's /dev/blob, keeping the options", () => {
    expect(copyToBlob('copy t to stdout with (format csv, header)')).toBe("copy t to '/dev/blob' with (format csv, header)");
    expect(copyToBlob('COPY (select 1) TO STDOUT')).toBe("COPY (select 1) to '/dev/blob'");
    expect(copyToBlob("copy (select 'to stdout') to stdout")).toBe("copy (select 'to stdout') to '/dev/blob'");
    expect(copyToBlob("copy t to '/tmp/x'")).toBeNull();
    expect(copyToBlob('select 1')).toBeNull();
  });
});

describe(createdExtension.name, () => {
  it('reads the name, quoted or not', () => {
    expect(createdExtension('create extension hstore')).toBe('hstore');
    expect(createdExtension('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" schema public')).toBe('uuid-ossp');
    expect(createdExtension('create extension PG_TRGM')).toBe('pg_trgm');
    expect(createdExtension('drop extension hstore')).toBeNull();
  });
});

describe(missingContrib.name, () => {
  it('asks for the bundles a cell creates that are not loaded, with their dependencies', () => {
    expect(missingContrib(['create extension hstore', 'create extension earthdistance', 'select 1'], ['hstore'])).toEqual([
      'cube',
      'earthdistance',
    ]);
    expect(missingContrib(['create extension postgis', 'create extension vector'], [])).toEqual([]);
  });
});

describe(isPostgis.name, () => {
  it('knows the PostGIS family', () => {
    expect(['postgis', 'postgis_topology', 'postgis_raster', 'address_standardizer'].every(isPostgis)).toBe(true);
    expect(isPostgis('postgres_fdw')).toBe(false);
  });
});
