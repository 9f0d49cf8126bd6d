import { Body, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import type { AuthConfig, TokenResponse, WhoAmI } from '@pgsbx/contract';
import { AppConfig } from '../config/app-config';
import { CurrentUser } from './current-user.decorator';
import { AuthConfigDto, TokenResponseDto, WhoAmIDto } from './auth-responses.dto';
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
  @ApiOkResponse({ type: AuthConfigDto })
  authConfig(): AuthConfig {
    return { devLogin: this.config.devLogin };
  }

  @Public()
  @Post('dev-login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponseDto })
  async devLogin(@Body() body: DevLoginDto): Promise<TokenResponse> {
    if (!this.config.devLogin) throw new NotFoundException('Dev login is off on this server.');
    const token = await this.jwt.signAsync({ sub: body.userId, role: body.role });
    return { token };
  }

  @SignedIn()
  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: WhoAmIDto })
  me(@CurrentUser() user: AuthUser): WhoAmI {
    return { ...user, premium: PREMIUM_ROLES.includes(user.role) };
  }
}
