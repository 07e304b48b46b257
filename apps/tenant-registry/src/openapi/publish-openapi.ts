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

export function publishOpenApi(app: INestApplication): void {
  const document = buildOpenApi(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}
