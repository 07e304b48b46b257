import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const loginSchema = z
  .object({ token: z.string().min(1).max(512).describe('An operator token of the registry.') })
  .strict();

export class LoginDto extends createZodDto(loginSchema) {}
