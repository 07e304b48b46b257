import { z } from 'zod';
import { ZodParam } from '../http/path-params.decorator';

/** A rollout's id in a path: a uuid, or 400 before any query runs. */
export const RolloutIdParam = () => ZodParam('rolloutId', z.string().uuid());
