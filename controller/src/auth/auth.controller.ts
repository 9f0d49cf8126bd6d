import { Body, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { CurrentUser } from './current-user.decorator';
import { DevLoginDto } from './dev-login.dto';
import { AuthUser, PREMIUM_ROLES, Public, SignedIn } from './roles';

@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly jwt: JwtService,
  ) {}

  @Public()
  @Get('config')
  authConfig(): { devLogin: boolean } {
    return { devLogin: this.config.devLogin };
  }

  @Public()
  @Post('dev-login')
  @HttpCode(200)
  async devLogin(@Body() body: DevLoginDto): Promise<{ token: string }> {
    if (!this.config.devLogin) throw new NotFoundException('Dev login is off on this server.');
    const token = await this.jwt.signAsync({ sub: body.userId, role: body.role });
    return { token };
  }

  @SignedIn()
  @Get('me')
  me(@CurrentUser() user: AuthUser): AuthUser & { premium: boolean } {
    return { ...user, premium: PREMIUM_ROLES.includes(user.role) };
  }
}
