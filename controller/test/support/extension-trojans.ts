/**
 * Trojans for the extension tests: SQL that plants, in every place a superuser-run extension
 * script could be steered to, user code that records that it ran and tries to make the sandbox
 * role superuser. The names come from the scripts shipped in the image, not from a list.
 */
import { execFileSync } from 'node:child_process';

const EXTENSION_DIR = '/usr/share/postgresql/17/extension';

export interface ExtensionFiles {
  /** script file name → text, e.g. `pg_trgm--1.3.sql` */
  scripts: Map<string, string>;
  /** extension name → the extensions its control file requires */
  requires: Map<string, string[]>;
}

/** The install/update scripts and control files of these extensions, read from the image. */
export function readExtensionFiles(image: string, extensions: string[]): ExtensionFiles {
  const list = extensions.map((e) => `'${e}'`).join(' ');
  const out = execFileSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      image,
      '-c',
      `cd ${EXTENSION_DIR} && for e in ${list}; do for f in "$e"--*.sql "$e".control; do printf '\\036%s\\n' "$f"; cat "$f"; done; done`,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const scripts = new Map<string, string>();
  const requires = new Map<string, string[]>();
  for (const chunk of out.split('\x1e').slice(1)) {
    const nl = chunk.indexOf('\n');
    const name = chunk.slice(0, nl);
    const text = chunk.slice(nl + 1);
    if (name.endsWith('.control')) {
      const m = /^\s*requires\s*=\s*'?([^'\n]*)'?/m.exec(text);
      requires.set(
        name.slice(0, -'.control'.length),
        m
          ? m[1]
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
      );
    } else scripts.set(name, text);
  }
  return { scripts, requires };
}

/** All script text an install of `ext` (with CASCADE) can run: its own and its requirements'. */
export function scriptTextFor(files: ExtensionFiles, ext: string): string {
  const exts = new Set<string>();
  const add = (e: string) => {
    if (exts.has(e)) return;
    exts.add(e);
    (files.requires.get(e) ?? []).forEach(add);
  };
  add(ext);
  return [...files.scripts]
    .filter(([f]) => [...exts].some((e) => f.startsWith(`${e}--`)))
    .map(([, t]) => t)
    .join('\n');
}

const lower = (s: string) => s.toLowerCase();
const unique = (xs: Iterable<string>) => [...new Set(xs)].filter((n) => n.length <= 63).sort();

/** Every identifier a script writes as `name(`: the functions it calls (plus some keywords and types, harmless). */
export function calledNames(sql: string): string[] {
  return unique([...sql.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => lower(m[1])));
}

/** Tables, views and sequences the scripts create, unqualified. */
export function createdRelations(sql: string): string[] {
  const re =
    /create\s+(?:or\s+replace\s+)?(?:unlogged\s+)?(?:table|view|sequence|materialized\s+view)\s+(?:if\s+not\s+exists\s+)?(?:"?\w+"?\.)?"?(\w+)"?/gi;
  return unique([...sql.matchAll(re)].map((m) => lower(m[1])));
}

/** Types and domains the scripts create, unqualified. */
export function createdTypes(sql: string): string[] {
  return unique([...sql.matchAll(/create\s+(?:type|domain)\s+(?:"?\w+"?\.)?"?(\w+)"?/gi)].map((m) => lower(m[1])));
}

/**
 * Names whose mere presence in any schema makes PostGIS refuse to install ("already installed"):
 * its scripts look them up in pg_proc across all schemas. Planting them is a user denying
 * themselves an install, not code that runs, so the overloads leave them out.
 */
export const INSTALL_PROBES = ['postgis_version', 'postgis_lib_version', 'postgis_raster_lib_version'];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (xs: string[]) => lit(`{${xs.map((x) => `"${x}"`).join(',')}}`);

/** Statements (each its own request element) that make the flag table and the trojan bodies. */
export function plantBase(): string[] {
  return [
    'create table public.trojan_flag (who text, what text)',
    `create function public.trojan_fire(what text) returns void language plpgsql as $$
     begin
       insert into public.trojan_flag values (current_user, what);
       begin execute 'alter role sandbox superuser'; exception when others then null; end;
     end $$`,
    `create function public.trojan_trigger() returns trigger language plpgsql as $$
     begin perform public.trojan_fire('trigger ' || tg_table_name); return null; end $$`,
    `create function public.trojan_op(anyelement, anyelement) returns boolean language plpgsql as $$
     begin perform public.trojan_fire('operator'); return true; end $$`,
    `create function public.trojan_op(text, text) returns boolean language plpgsql as $$
     begin perform public.trojan_fire('operator text'); return true; end $$`,
    `create function public.trojan_op(varchar, varchar) returns boolean language plpgsql as $$
     begin perform public.trojan_fire('operator varchar'); return true; end $$`,
    `create function public.trojan_check(anyelement) returns boolean language plpgsql immutable as $$
     begin perform public.trojan_fire('check/index/default'); return true; end $$`,
    `create function public.trojan_text() returns text language plpgsql as $$
     begin perform public.trojan_fire('default'); return null; end $$`,
  ];
}

/** Overloads of every called name in public: (text), (varchar), (integer), …, variadic. One statement. */
export function plantOverloads(names: string[]): string {
  const sigs: [string, string][] = [
    ['text', 'text'],
    ['varchar', 'text'],
    ['integer', 'integer'],
    ['bigint', 'bigint'],
    ['double precision', 'double precision'],
    ['anyelement', 'anyelement'],
    ['variadic text[]', 'text'],
    ['variadic anycompatiblearray', 'anycompatible'],
  ];
  const planted = names.filter((n) => !n.startsWith('trojan_') && !INSTALL_PROBES.includes(n));
  return `do $do$ declare n text; s text[]; begin
    perform pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    foreach n in array ${textArray(planted)}::text[] loop
      foreach s slice 1 in array ${lit(`{${sigs.map(([a, r]) => `{"${a}","${r}"}`).join(',')}}`)}::text[] loop
        execute pg_catalog.format('create function public.%I(%s) returns %s language plpgsql as %L', n, s[1], s[2],
          pg_catalog.format('begin perform public.trojan_fire(%L); return null; end', n));
      end loop;
    end loop; end $do$`;
}

/** Operators on text, varchar and any type in public, and implicit casts from a user type. */
export function plantOperatorsAndCasts(): string[] {
  const ops = ['=', '<>', '<', '>', '<=', '>=', '||', '~~', '~', '@>', '<@', '&&', '<->'];
  const args = ['text', 'varchar', 'anyelement'];
  return [
    ...ops.flatMap((op) => args.map((a) => `create operator public.${op} (leftarg = ${a}, rightarg = ${a}, function = public.trojan_op)`)),
    'create type public.trojan_t as (x int)',
    ...['text', 'integer', 'boolean', 'varchar'].map((to) =>
      `create function public.trojan_cast(public.trojan_t) returns ${to} language plpgsql as $$
       begin perform public.trojan_fire('cast to ${to}'); return null; end $$`.replace('trojan_cast(', `trojan_cast_${to}(`),
    ),
    ...['text', 'integer', 'boolean', 'varchar'].map(
      (to) => `create cast (public.trojan_t as ${to}) with function public.trojan_cast_${to}(public.trojan_t) as implicit`,
    ),
  ];
}

/** Temp tables (with triggers and a rule) and temp types named like the extension's relations and types. */
export function plantTemp(created: string[], types: string[]): string {
  // trojan_temp: even a script that creates no table or type sees a session with temp objects.
  const relations = [...created, 'trojan_temp'];
  const typesOnly = types.filter((t) => !relations.includes(t));
  return `do $do$ declare n text; begin
    foreach n in array ${textArray(relations)}::text[] loop
      execute pg_catalog.format('create temp table %I (x int)', n);
      execute pg_catalog.format('create trigger trojan_row before insert or update or delete on pg_temp.%I for each row execute function public.trojan_trigger()', n);
      execute pg_catalog.format('create trigger trojan_stmt before insert or update or delete or truncate on pg_temp.%I for each statement execute function public.trojan_trigger()', n);
      execute pg_catalog.format('create rule trojan_rule as on insert to pg_temp.%I do also select public.trojan_fire(%L)', n, 'rule ' || n);
    end loop;
    foreach n in array ${textArray(typesOnly)}::text[] loop
      execute pg_catalog.format('create type pg_temp.%I as (x int)', n);
    end loop; end $do$`;
}

/**
 * Every way to attach code to a relation of the extension. Run as one statement: each attempt
 * that succeeds is recorded in public.trojan_attached (which must stay empty).
 */
export function attachToExtensionRelations(ext: string): string {
  return `do $do$ declare r record; s text; col text; begin
    perform pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    create table if not exists public.trojan_attached (stmt text);
    for r in select c.oid::regclass::text as rel, c.relkind from pg_catalog.pg_depend d
               join pg_catalog.pg_class c on c.oid = d.objid
              where d.classid = 'pg_catalog.pg_class'::regclass and d.deptype = 'e'
                and d.refobjid = (select oid from pg_catalog.pg_extension where extname = ${lit(ext)}) loop
      select a.attname into col from pg_catalog.pg_attribute a where a.attrelid = r.rel::regclass and a.attnum = 1;
      foreach s in array array[
        pg_catalog.format('create trigger trojan before insert or update or delete on %s for each statement execute function public.trojan_trigger()', r.rel),
        pg_catalog.format('create rule trojan as on insert to %s do also select public.trojan_fire(%L)', r.rel, 'rule'),
        pg_catalog.format('alter table %s alter column %I set default public.trojan_text()', r.rel, col),
        pg_catalog.format('create index on %s (public.trojan_check(%I))', r.rel, col),
        pg_catalog.format('create policy trojan on %s using (public.trojan_check(%I))', r.rel, col),
        pg_catalog.format('alter table %s add constraint trojan check (public.trojan_check(%I))', r.rel, col),
        pg_catalog.format('alter table %s owner to sandbox', r.rel),
        pg_catalog.format('alter table %s enable row level security', r.rel)] loop
        begin execute s; insert into public.trojan_attached values (s); exception when others then null; end;
      end loop;
    end loop; end $do$`;
}

/** User tables holding the extension's types, with triggers, defaults and checks that call trojans. */
export function plantUserData(ext: string): string {
  return `do $do$ declare t record; i int := 0; begin
    perform pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    for t in select ty.oid::regtype::text as typ from pg_catalog.pg_depend d join pg_catalog.pg_type ty on ty.oid = d.objid
              where d.classid = 'pg_catalog.pg_type'::regclass and d.deptype = 'e' and ty.typtype in ('b', 'd', 'c')
                and d.refobjid = (select oid from pg_catalog.pg_extension where extname = ${lit(ext)})
              order by 1 limit 8 loop
      i := i + 1;
      -- A row first, then code that only runs when something rewrites, checks or changes it.
      execute pg_catalog.format('create table public.trojan_data_%s (v %s, w text)', i, t.typ);
      execute pg_catalog.format('insert into public.trojan_data_%s values (null, %L)', i, 'x');
      execute pg_catalog.format('alter table public.trojan_data_%s alter column w set default public.trojan_text(), add constraint trojan check (public.trojan_check(w)) not valid', i);
      execute pg_catalog.format('create trigger trojan before insert or update or delete or truncate on public.trojan_data_%s for each statement execute function public.trojan_trigger()', i);
    end loop; end $do$`;
}
