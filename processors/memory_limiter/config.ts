// memory_limiter config: hard and spike limits in MiB or as a percentage of available memory.
import { z } from 'zod';
import { duration, num } from '../../config/schema-helpers.js';

export const memoryLimiterConfigSchema = z.strictObject({
  /** How often resident memory is measured. Default 1s. */
  check_interval: duration().default(1000).refine((ms) => ms >= 10, { message: 'must be at least 10ms' }),
  /** Hard limit in MiB; above it the limiter refuses data and asks V8 to collect garbage. */
  limit_mib: num({ min: 0 }).default(0),
  /** Headroom below the hard limit; refusing starts at limit − spike. Default 20 % of the limit. */
  spike_limit_mib: num({ min: 0 }).default(0),
  /** Hard limit as a percentage of total (or cgroup) memory; used when limit_mib is 0. Default 80. */
  limit_percentage: num({ min: 0, max: 100 }).default(80),
  /** Spike headroom as a percentage of total memory; used with limit_percentage. Default 20. */
  spike_limit_percentage: num({ min: 0, max: 100 }).default(20),
}).superRefine((c, ctx) => {
  if (c.limit_mib === 0 && c.limit_percentage === 0) {
    ctx.addIssue({ code: 'custom', path: ['limit_mib'], message: 'one of limit_mib or limit_percentage must be set above 0' });
  }
  if (c.limit_mib > 0 && c.spike_limit_mib >= c.limit_mib) {
    ctx.addIssue({ code: 'custom', path: ['spike_limit_mib'], message: `must be below limit_mib (${c.limit_mib}), got ${c.spike_limit_mib}` });
  }
  if (c.limit_mib === 0 && c.limit_percentage > 0 && c.spike_limit_percentage >= c.limit_percentage) {
    ctx.addIssue({ code: 'custom', path: ['spike_limit_percentage'], message: 'must be below limit_percentage' });
  }
});

export type MemoryLimiterConfig = z.output<typeof memoryLimiterConfigSchema>;
