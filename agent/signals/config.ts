// Config of the signals service (top-level `signals` section).
import { z } from 'zod';
import { duration } from '../../config/schema-helpers.js';

export const signalsConfigSchema = z.strictObject({
  /** Length of one ring step, ms (default 10s). */
  step: duration().default(10_000),
  /** How far back readers can look, ms (default 1h: the longest alert-rule window). */
  retention: duration().default(3_600_000),
  /** Series per signal; writes beyond it go to one overflow series and are counted. */
  max_series: z.number().int().positive().default(5000),
}).refine((c) => c.retention >= c.step, { message: 'retention must be at least one step', path: ['retention'] });

export type SignalsConfig = z.output<typeof signalsConfigSchema>;
