import type { ErrorResult, RowsResult, SandboxResult } from '@pgsbx/contract';
import { Harness, startHarness } from './support/harness';
import {
  ExtensionFiles,
  attachToExtensionRelations,
  calledNames,
  createdRelations,
  createdTypes,
  plantBase,
  plantOperatorsAndCasts,
  plantOverloads,
  plantTemp,
  plantUserData,
  readExtensionFiles,
  scriptTextFor,
} from './support/extension-trojans';

/** The allowlist docs/EXTENSIONS.md audits; a new entry fails the first test until it is audited. */
const AUDITED = [
  'postgis',
  'postgis_raster',
  'postgis_topology',
  'vector',
  'pg_trgm',
  'pgcrypto',
  'uuid-ossp',
  'btree_gist',
  'btree_gin',
  'hstore',
  'citext',
  'ltree',
  'tablefunc',
  'fuzzystrmatch',
  'unaccent',
  'intarray',
  'cube',
  'earthdistance',
  'tsm_system_rows',
  'tsm_system_time',
  'pg_buffercache',
  'pgrowlocks',
];

/** One real use of each extension: statements, the last returning one row with column v, and that v. */
const WORKS: Record<string, [string[], unknown]> = {
  postgis: [['select ST_AsText(ST_MakePoint(1,2)) as v'], 'POINT(1 2)'],
  postgis_raster: [['select ST_Width(ST_MakeEmptyRaster(10, 10, 0, 0, 1)) as v'], 10],
  postgis_topology: [["select topology.CreateTopology('trojan_topo', 4326) > 0 as v"], true],
  vector: [["select round(('[1,2]'::vector <-> '[2,3]')::numeric, 3)::text as v"], '1.414'],
  pg_trgm: [["select round(similarity('abc', 'abd')::numeric, 2)::text as v"], '0.33'],
  pgcrypto: [["select encode(digest('a', 'sha256'), 'hex') as v"], 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'],
  'uuid-ossp': [["select uuid_generate_v5(uuid_ns_dns(), 'python.org')::text as v"], '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
  btree_gist: [['select 1 <-> 5 as v'], 4],
  btree_gin: [
    [
      'create table public.gin_t (x int)',
      'create index on public.gin_t using gin (x)',
      'select count(*)::int as v from public.gin_t where x = 1',
    ],
    0,
  ],
  hstore: [["select ('a=>1'::hstore) -> 'a' as v"], '1'],
  citext: [["select 'AbC'::citext = 'abc' as v"], true],
  ltree: [["select 'a.b'::ltree @> 'a.b.c'::ltree as v"], true],
  tablefunc: [['select count(*)::int as v from normal_rand(3, 0, 1)'], 3],
  fuzzystrmatch: [["select levenshtein('kitten', 'sitting') as v"], 3],
  unaccent: [["select unaccent('Hôtel') as v"], 'Hotel'],
  intarray: [["select icount('{1,2,3}'::int[]) as v"], 3],
  cube: [["select cube_dim('(1,2,3)'::cube) as v"], 3],
  earthdistance: [['select round(earth_distance(ll_to_earth(0,0), ll_to_earth(0,1)))::int as v'], 111320],
  tsm_system_rows: [['select count(*)::int as v from pg_class tablesample system_rows(5)'], 5],
  tsm_system_time: [['select count(*) > 0 as v from pg_class tablesample system_time(1000)'], true],
  pg_buffercache: [['select count(*) > 0 as v from pg_buffercache'], true],
  pgrowlocks: [['create table public.rl_t (x int)', "select count(*)::int as v from pgrowlocks('public.rl_t')"], 0],
};

const schemaOf = (ext: string) => (ext === 'postgis_topology' ? 'topology' : 'extensions');
const isError = (r: SandboxResult): r is ErrorResult => 'error' in r;

describe('Extension scripts never run the sandbox role’s code as superuser (real Docker)', () => {
  let h: Harness;
  let t: string;
  let files: ExtensionFiles;

  /** Runs statements in order; every one must succeed. Returns the last result's rows. */
  async function ok(sqls: string[], session = 'main'): Promise<Record<string, unknown>[]> {
    const res = await h.exec(t, sqls.join(';\n'), session);
    expect(res.status).toBe(200);
    const failed = res.body.filter(isError).map((r) => `${r.statement.slice(0, 200)} → ${r.error.code} ${r.error.message}`);
    expect(failed).toEqual([]);
    return (res.body[res.body.length - 1] as RowsResult).rows;
  }
  /** One statement that must fail; returns its SQLSTATE and message. */
  async function refused(sql: string): Promise<string> {
    const res = await h.exec(t, sql);
    expect(res.status).toBe(200);
    const r = res.body[0];
    if (!isError(r)) throw new Error(`not refused: ${sql}`);
    return `${r.error.code} ${r.error.message}`;
  }
  /** What a user would check after each step: not superuser, and no trojan ran or got attached. */
  async function expectNoTrojanRan(): Promise<void> {
    const [state] = await ok(
      [
        'set search_path = pg_catalog, pg_temp',
        `select (select rolsuper from pg_roles where rolname = 'sandbox') as rolsuper,
              (select string_agg(who || ': ' || what, '; ') from public.trojan_flag) as fired,
              (select string_agg(stmt, '; ') from public.trojan_attached) as attached`,
      ],
      'check',
    );
    expect(state).toEqual({ rolsuper: false, fired: null, attached: null });
  }
  /** …and the extension is where it belongs, owned by the superuser, nothing of it tied to pg_temp. */
  async function expectClean(ext: string, version: string): Promise<void> {
    await expectNoTrojanRan();
    const [state] = await ok(
      [
        `select e.extnamespace::regnamespace::text as schema, e.extowner::regrole::text as owner, e.extversion as version,
              (select count(*)::int from pg_depend d join pg_proc p on p.oid = d.objid
                 where d.classid = 'pg_proc'::regclass and d.deptype = 'e' and d.refobjid = e.oid
                   and exists (select from pg_type ty join pg_namespace n on n.oid = ty.typnamespace
                                where (ty.oid = p.prorettype or ty.oid = any (p.proargtypes)) and n.nspname like 'pg_temp%')) as temp_refs
         from pg_extension e where e.extname = '${ext}'`,
      ],
      'check',
    );
    expect(state).toEqual({ schema: schemaOf(ext), owner: 'postgres', version, temp_refs: 0 });
  }
  async function availableVersions(ext: string): Promise<{ oldest: string; newest: string }> {
    const rows = await ok([
      `select version, default_version from pg_available_extension_versions v
      join pg_available_extensions a using (name) where name = '${ext}'`,
    ]);
    const key = (v: string) =>
      v
        .split('.')
        .map((p) => p.padStart(6, '0'))
        .join('.');
    const versions = rows.map((r) => String(r.version)).sort((a, b) => key(a).localeCompare(key(b)));
    return { oldest: versions[0], newest: String(rows[0].default_version) };
  }

  beforeAll(async () => {
    h = await startHarness({ SANDBOX_STATEMENT_TIMEOUT: '60s', SANDBOX_MAX_SQL: '1m', RATE_LIMIT_PER_MINUTE: '100000' });
    t = h.token('ext-trojans');
    files = readExtensionFiles(h.config.image, AUDITED);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    expect((await h.request('POST', '/api/sandbox/reset', t)).status).toBe(200);
    await ok(['create table public.trojan_attached (stmt text)', ...plantBase()]);
  });

  it('the allowlist is exactly the audited one', async () => {
    const [row] = await ok(['show extwlist.extensions']);
    expect(String(row['extwlist.extensions']).split(',').sort()).toEqual([...AUDITED].sort());
  });

  it('the issue’s example, statement by statement, leaves the role without superuser', async () => {
    const steps = [
      'create extension postgis',
      'create schema topology',
      `create function topology.addtosearchpath(text) returns text language sql
         as $$ alter role sandbox superuser; select 'x' $$`,
      'create extension postgis_topology',
    ];
    const outcomes: string[] = [];
    for (const sql of steps) {
      const [r] = (await h.exec(t, sql)).body;
      outcomes.push(isError(r) ? (r.error.code ?? r.error.message) : (r.command ?? ''));
    }
    const [role] = await ok(["select rolsuper from pg_roles where rolname = 'sandbox'"], 'check');
    expect(role.rolsuper).toBe(false);
    expect(outcomes).toEqual(['CREATE EXTENSION', '42P06', '42501', 'CREATE EXTENSION']);
    await expectClean('postgis_topology', '3.5.2');
  });

  it.each(AUDITED)('%s: trojans planted before CREATE EXTENSION and ALTER EXTENSION UPDATE never run', async (ext) => {
    const scripts = scriptTextFor(files, ext);
    const { oldest, newest } = await availableVersions(ext);

    // With CASCADE, PostgreSQL ignores SCHEMA for an extension whose control file names one.
    expect(await refused(`create extension "${ext}" schema public`)).toMatch(/must be installed in schema/);
    for (const schema of new Set(['extensions', schemaOf(ext)])) {
      expect(await refused(`create schema ${schema}`)).toMatch(/^42P06 /);
      for (const attempt of [
        `create function ${schema}.trojan() returns int language sql as 'select 1'`,
        `create table ${schema}.spatial_ref_sys (x int)`,
        `create type ${schema}.trojan as (x int)`,
        `alter schema ${schema} owner to sandbox`,
        `drop schema ${schema} cascade`,
      ])
        expect(await refused(attempt)).toMatch(/^42501 /);
    }

    const tempTrojans = plantTemp(createdRelations(scripts), createdTypes(scripts));
    await ok([
      plantOverloads(calledNames(scripts)),
      ...plantOperatorsAndCasts(),
      tempTrojans,
      `alter database sandbox set search_path = "$user", public, extensions, 'x;select/**/public.trojan_fire(1);--'`,
      'set standard_conforming_strings = off',
    ]);
    // Temporary tables and types would be on the script's search_path: the scripts refuse to run.
    expect(await refused(`create extension "${ext}" version '${oldest}' cascade`)).toMatch(/^55000 /);
    await expectNoTrojanRan();
    await ok(['discard temp', `create extension "${ext}" version '${oldest}' cascade`]);
    await expectClean(ext, oldest);

    await ok([attachToExtensionRelations(ext), plantUserData(ext), tempTrojans]);
    expect(await refused(`alter extension "${ext}" set schema public`)).toMatch(/^42501 /);
    if (oldest !== newest) expect(await refused(`alter extension "${ext}" update`)).toMatch(/^55000 /);
    await expectNoTrojanRan();
    await ok(['discard temp', `alter extension "${ext}" update`]);
    await expectClean(ext, newest);

    const [sqls, expected] = WORKS[ext];
    const [row] = await ok(['set search_path = extensions, topology', ...sqls], 'check');
    expect(row.v).toEqual(expected);
    await expectClean(ext, newest);
  });

  // Found by the attacker helper after the schema rules: AddToSearchPath (run by the topology
  // install script) pasted the database's stored search_path into EXECUTE, and `FROM CURRENT`
  // stores a value unquoted. Settings at every level, in both forms, must stay data.
  it.each([
    ['database, FROM CURRENT', 'alter database sandbox set search_path from current'],
    ['role, FROM CURRENT', 'alter role sandbox set search_path from current'],
    ['role in database, FROM CURRENT', 'alter role sandbox in database sandbox set search_path from current'],
    ['database, quoted', `alter database sandbox set search_path = 'public;alter/**/role/**/sandbox/**/superuser;--'`],
  ])('a hostile stored search_path (%s) stays data when postgis_topology installs', async (_form, store) => {
    await ok([
      "select pg_catalog.set_config('search_path', 'public;alter/**/role/**/sandbox/**/superuser;select/**/public.trojan_fire(''search_path'');--', false)",
      store,
      'reset search_path',
    ]);
    await ok(['create extension postgis_topology cascade'], 'fresh');
    await expectNoTrojanRan();
    const [row] = await ok(["select count(*)::int as n from pg_catalog.pg_extension where extname = 'postgis_topology'"], 'check');
    expect(row.n).toBe(1);
  });

  it.each(['postgis', 'postgis_raster', 'postgis_topology'])('%s has one version and no update path', async (ext) => {
    for (const v of ['ANY', 'unpackaged', '3.5.1']) {
      expect(await refused(`create extension ${ext} version '${v}' cascade`)).toMatch(/^22023 /);
    }
    await ok([`create extension ${ext} cascade`]);
    expect(await refused(`alter extension ${ext} update to 'ANY'`)).toMatch(/^22023 /);
  });

  it.each(['seg', 'isn', 'lo', 'tcn', 'dict_int'])('%s, trusted by PostgreSQL but not allowlisted, is refused', async (ext) => {
    expect(await refused(`create extension ${ext}`)).toMatch(/^42501 permission denied to create extension/);
  });
});
