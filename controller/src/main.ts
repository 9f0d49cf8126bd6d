import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppModule } from './app.module';
import { refuseSubnets } from './http/refuse-subnets';
import { hostCheck } from './auth/host-check';
import { jsonBody } from './http/body-parser';
import { NOTEBOOK_BODY_BYTES } from './notebooks/notebook-limits';
import { cacheControlFor, precompressed } from './http/precompressed';
import { requestLogging } from './http/request-logging.middleware';
import { logCrashes } from './common/crash-log';
import { JsonLogger } from './common/json-logger';
import { OpenApiDocument } from './openapi/openapi-document';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';

export async function createApp(
  config: AppConfig,
  logger: JsonLogger,
  overrides = [] as Parameters<typeof AppModule.register>[0]['overrides'],
) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, logger, overrides }), {
    logger,
    bodyParser: false,
  });
  // First: every later line, and the answer of every later middleware, carries the request id.
  app.use(requestLogging(logger));
  // Before anything reads the request: with dev login on, a foreign Host could mint admin tokens.
  if (config.devLogin) app.use(hostCheck(config.allowedHosts));
  // Notebooks carry more than SQL (content up to 1 MiB, a share's results): their own, larger bound.
  app.use(['/api/notebooks', '/api/shared'], jsonBody(NOTEBOOK_BODY_BYTES, 'a notebook holds at most 1 MiB, a share 4 MiB'));
  app.use(jsonBody(config.maxSqlBytes * 2 + 4096));
  app.disable('x-powered-by');
  // Results are never cached by clients; hashing every response body for an ETag is wasted CPU.
  app.set('etag', false);
  app.enableShutdownHooks();
  app.get(OpenApiDocument).publish(app);
  if (existsSync(join(config.webDist, 'index.html'))) {
    app.use(precompressed(config.webDist));
    app.useStaticAssets(config.webDist, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res: Response, path: string) => res.setHeader('Cache-Control', cacheControlFor(relative(config.webDist, path))),
    });
  } else {
    logger.event('warn', 'app', 'notebook not built; serving the API only', { webDist: config.webDist });
  }
  return app;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`postgres-sandbox: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = new JsonLogger(config.logLevel);
  logCrashes(logger);
  const app = await createApp(config, logger);
  refuseSubnets(app.getHttpServer(), config.apiRefuseSubnets);
  await app.listen(config.port, config.host);
  // Longer than the usual proxy and client idle timeouts, so a kept-alive connection is never
  // closed by us just as a client reuses it.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  logger.event('info', 'app', 'listening', {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
    devLogin: config.devLogin,
    jwtSecret: config.jwtSecretGenerated ? 'generated (tokens end with this process)' : 'from JWT_SECRET',
    image: config.image,
    warmPool: config.warmPool,
  });
}

if (require.main === module) {
  void main();
}
