import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AuthController } from './auth.controller';
import { TokenVerifier } from './token-verifier';

@Module({
  imports: [
    // Signs dev-login tokens; TokenVerifier checks them (and any other HS256 token of JWT_SECRET).
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.tokenTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [TokenVerifier],
  exports: [TokenVerifier],
})
export class AuthModule {}
