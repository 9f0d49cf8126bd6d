import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ApiError } from '@pgsbx/contract';

@ApiSchema({ name: 'ApiError', description: 'Every 4xx and 5xx body.' })
export class ApiErrorDto implements ApiError {
  @ApiProperty({ type: 'integer' })
  statusCode!: number;

  @ApiProperty({ description: 'The status text, e.g. "Bad Request".' })
  error!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'On a 500 only: the reference its one log line carries too.' })
  correlationId?: string;
}
