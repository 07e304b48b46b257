import { z } from 'zod';

export const isolationModeSchema = z.enum(['DATABASE', 'SCHEMA']);

export type IsolationMode = z.infer<typeof isolationModeSchema>;
