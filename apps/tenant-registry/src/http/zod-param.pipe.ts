import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { ZodType, ZodTypeDef } from 'zod';

/**
 * Checks a path parameter by the schema the same value has in bodies and events: a value that can
 * never exist is refused with 400, naming the parameter and the rule, before any lookup.
 */
export class ZodParamPipe<T> implements PipeTransform<string, T> {
  constructor(
    readonly name: string,
    private readonly schema: ZodType<T, ZodTypeDef, unknown>,
  ) {}

  transform(value: string): T {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const reasons = result.error.issues.map((issue) => issue.message).join('; ');
    throw new BadRequestException(`path parameter ${this.name}: ${reasons}`);
  }
}
