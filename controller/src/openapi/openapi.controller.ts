import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Public } from '../auth/roles';
import { OpenApiDocument } from './openapi-document';

@Controller('api')
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  /** The API's description: routes, bodies, answers and errors. */
  @Public()
  @Get('openapi.json')
  @ApiExcludeEndpoint()
  openapi(): OpenAPIObject {
    const doc = this.document.value;
    if (!doc) throw new ServiceUnavailableException('The API description is not ready yet.');
    return doc;
  }
}
