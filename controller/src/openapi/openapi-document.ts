import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResultDto, RowsResultDto } from '../sandbox/sandbox-result.dto';
import { ApiErrorDto } from './api-error.dto';

// require, not import: package.json is outside tsconfig.build's rootDir (src).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const VERSION = (require('../../package.json') as { version: string }).version;

/**
 * The OpenAPI document, built once at start-up from the routes and DTOs and served at
 * GET /api/openapi.json. A provider, so the route can answer it without reaching for the app.
 */
export class OpenApiDocument {
  private document?: OpenAPIObject;

  get value(): OpenAPIObject | undefined {
    return this.document;
  }

  /** Describes the app's routes; createApp calls it once every controller is registered. */
  publish(app: INestApplication): void {
    this.document = describeApi(app);
  }
}

function describeApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('postgres-sandbox')
    .setDescription(
      'A real Postgres 17 per premium user. The wire types are the contract package (contract/); ' +
        'docs/ARCHITECTURE.md describes the layers and the sandbox lifecycle.',
    )
    .setVersion(VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorDto, RowsResultDto, ErrorResultDto] });
  addErrorResponses(document);
  return document;
}

/** Every route answers its errors as ApiError (the global exception filter): said once here, not on every route. */
function addErrorResponses(document: OpenAPIObject): void {
  const error = {
    description: 'An error: 4xx for the request, 503 (with Retry-After) when no sandbox can be had now, 500 with a correlation id.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (op) op.responses = { ...op.responses, default: op.responses?.default ?? error };
    }
  }
}
