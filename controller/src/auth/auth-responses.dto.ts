// The auth routes' answers for the OpenAPI document; each class implements its contract type.
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ROLES, type AuthConfig, type Role, type TokenResponse, type WhoAmI } from '@pgsbx/contract';

@ApiSchema({ name: 'AuthConfig' })
export class AuthConfigDto implements AuthConfig {
  @ApiProperty({ description: 'Whether POST /api/auth/dev-login is on (development only).' })
  devLogin!: boolean;
}

@ApiSchema({ name: 'TokenResponse' })
export class TokenResponseDto implements TokenResponse {
  @ApiProperty({ description: 'A bearer token for the Authorization header.' })
  token!: string;
}

@ApiSchema({ name: 'WhoAmI' })
export class WhoAmIDto implements WhoAmI {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ description: 'Whether the role gets a real Postgres sandbox.' })
  premium!: boolean;
}
