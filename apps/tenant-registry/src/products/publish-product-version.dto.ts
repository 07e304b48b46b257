import { productManifestSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';

/** The manifest of one product version, validated as every stage will read it. */
export class PublishProductVersionDto extends createZodDto(productManifestSchema) {}
