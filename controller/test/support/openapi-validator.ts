import Ajv, { type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

/**
 * Checks real answers against the served OpenAPI document. Objects are closed first (no property
 * the document does not name), so a field added to a response but not to its schema fails too.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    // OpenAPI 3.0's `nullable` is understood by Ajv itself; date-time and uuid are the formats used.
    this.ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    this.ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    this.ajv.addSchema({ ...(closeObjects(document) as Json), $id: 'openapi.json' });
  }

  /** The operations that declare no JSON schema for this status ("METHOD /path"). */
  undocumented(status: string): string[] {
    const out: string[] = [];
    for (const [path, item] of Object.entries(this.document.paths as Json)) {
      for (const [method, op] of Object.entries(item as Record<string, { responses?: Record<string, { content?: Json }> }>)) {
        const json = op.responses?.[status]?.content?.['application/json'] as { schema?: unknown } | undefined;
        if (!json?.schema) out.push(`${method.toUpperCase()} ${path}`);
      }
    }
    return out;
  }

  /** Ajv's complaints about `body` as the answer `status` of `method path` (path as written in the document), [] when it fits. */
  errors(method: string, path: string, status: number | 'default', body: unknown): string[] {
    const pointer = ['paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema']
      .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const ref = `openapi.json#/${pointer}`;
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v as Json, closeObjects) : closeObjects(v);
  if (out.properties && out.additionalProperties === undefined && !('$ref' in out)) out.additionalProperties = false;
  return out;
}

function mapValues(o: Json, f: (v: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
