import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { DevLoginRequest } from '@pgsbx/contract';
import { ROLES, Role } from './roles';

@ApiSchema({ name: 'DevLoginRequest' })
export class DevLoginDto implements DevLoginRequest {
  @ApiProperty({ minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'userId must not contain control characters' })
  userId!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}
