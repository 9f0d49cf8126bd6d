import { IsOptional, IsString, Matches } from 'class-validator';

export const SESSION_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const SESSION_MESSAGE = 'session must be 1–32 letters, digits, _ or - (for example "main" or "s2")';

export class ExecRequestDto {
  @IsString({ message: 'sql must be a string of SQL' })
  sql!: string;

  @IsOptional()
  @IsString({ message: SESSION_MESSAGE })
  @Matches(SESSION_NAME, { message: SESSION_MESSAGE })
  session?: string;
}

export class SessionRequestDto {
  @IsOptional()
  @IsString({ message: SESSION_MESSAGE })
  @Matches(SESSION_NAME, { message: SESSION_MESSAGE })
  session?: string;
}
