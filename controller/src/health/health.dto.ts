// GET /healthz's answer for the OpenAPI document; implements the contract's Health.
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Health } from '@pgsbx/contract';
import { PoolStatusDto } from '../admin/admin-views.dto';

@ApiSchema({ name: 'ImageStatus' })
export class ImageStatusDto {
  @ApiProperty()
  ref!: string;

  @ApiProperty()
  present!: boolean;
}

@ApiSchema({
  name: 'Health',
  description: '200 when Docker answers, the sandbox image is present and the control database answers, else 503 with the same body.',
})
export class HealthDto implements Health {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty()
  version!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty()
  docker!: boolean;

  @ApiProperty({ type: ImageStatusDto })
  image!: ImageStatusDto;

  @ApiProperty({ type: PoolStatusDto })
  pool!: PoolStatusDto;

  @ApiProperty({ enum: ['ok', 'unreachable'], description: 'The control database (hibernated users, archives).' })
  control!: 'ok' | 'unreachable';
}
