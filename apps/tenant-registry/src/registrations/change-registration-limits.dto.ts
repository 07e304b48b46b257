import { registrationLimitsSchema } from '@enclave/contracts';
import { createZodDto } from 'nestjs-zod';

/** The limits in force from now on, whole: a field left out is back to its default. */
export class ChangeRegistrationLimitsDto extends createZodDto(registrationLimitsSchema) {}
