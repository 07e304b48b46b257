import type { Duplex } from 'node:stream';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { CustomStrategy } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigDefinition, ConfigOf, ConfigSpec } from '../config/config-definition';
import { ConfigValidationError } from '../config/config-validation.error';
import { CommonConfig } from '../config/common-config';

export interface ServiceBootstrap<S extends ConfigSpec> {
  readonly service: string;
  readonly config: ConfigDefinition<S>;
  readonly module: (config: ConfigOf<S>) => DynamicModule;
  /** Provider token of a @nestjs/microservices strategy (the Kafka event consumer), if any. */
  readonly transport?: abstract new (...args: never[]) => CustomStrategy['strategy'];
  /** App-specific HTTP set-up (OpenAPI document, body limits) before it listens. */
  readonly configure?: (app: NestExpressApplication) => void;
}

/**
 * Starts a service the same way everywhere: validated config (exit 1 with every problem listed),
 * JSON logs, graceful shutdown on SIGTERM/SIGINT, event consumer, then HTTP.
 */
export async function bootstrapService<S extends ConfigSpec>(
  spec: ServiceBootstrap<S>,
): Promise<NestExpressApplication> {
  let config: ConfigOf<S>;
  try {
    config = spec.config.load(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service: spec.service, message: error.message, problems: error.problems })}\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const common = config as unknown as CommonConfig;
  const app = await NestFactory.create<NestExpressApplication>(spec.module(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  spec.configure?.(app);
  // A request node's HTTP parser refuses (a control character in a header, a bad request line)
  // never reaches Nest: answer it with its reason too, not node's bare 400.
  app.getHttpServer().on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify({
      statusCode: 400,
      message: `malformed HTTP request (${error.code ?? 'parse error'})`,
    });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // Lifecycle hooks first (tables, topics, producer), so the consumer never starts against nothing.
  await app.init();
  if (spec.transport) {
    app.connectMicroservice({ strategy: app.get(spec.transport) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.listen(common.HTTP_PORT, common.HTTP_HOST);
  logger.log(
    { config: spec.config.summarize(config) },
    `${spec.service} listening on http://${common.HTTP_HOST}:${common.HTTP_PORT} (health: /health, /health/ready)`,
  );
  return app;
}
