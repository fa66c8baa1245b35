// Config of the debug exporter.
import { z } from 'zod';

export const debugConfigSchema = z.strictObject({
  /** basic: one line per batch; normal: one line per span/metric/log; detailed: each item as OTLP JSON. */
  verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic'),
});
export type DebugConfig = z.output<typeof debugConfigSchema>;
