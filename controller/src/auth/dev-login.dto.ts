import { IsIn, IsString, Length, Matches } from 'class-validator';
import { ROLES, Role } from './roles';

export class DevLoginDto {
  @IsString()
  @Length(1, 64)
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'userId must not contain control characters' })
  userId!: string;

  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}
