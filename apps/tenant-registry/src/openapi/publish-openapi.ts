import { OperatorAuthenticator, requireOperatorToken } from '@enclave/service-kit';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { declareInputRefusals } from './input-refusals';

/** The OpenAPI document, generated from the controllers and zod DTOs, at /openapi.json. */
export function buildOpenApi(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Enclave admin API')
    .setDescription('Tenants, service registrations and their provisioning status.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  return declareInputRefusals(cleanupOpenApiDoc(SwaggerModule.createDocument(app, config)));
}

/**
 * Swagger UI at /docs and the document at /openapi.json, for operators only. Swagger mounts them
 * outside Nest's router, where the global guard never runs, so the same token check goes first.
 */
export function publishOpenApi(app: INestApplication): void {
  const document = buildOpenApi(app);
  app.use(['/docs', '/openapi.json'], requireOperatorToken(app.get(OperatorAuthenticator)));
  // JSON only: the YAML copy would sit at /docs-yaml, a path of its own to guard.
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
}
