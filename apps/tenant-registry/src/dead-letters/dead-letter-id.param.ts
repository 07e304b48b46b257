import { z } from 'zod';
import { ZodParam } from '../http/path-params.decorator';

/** A dead letter's id in a path: a uuid, or 400 before any query runs. */
export const DeadLetterIdParam = () => ZodParam('deadLetterId', z.string().uuid());
