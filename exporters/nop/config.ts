// Config of the nop exporter: none.
import { z } from 'zod';

export const nopConfigSchema = z.strictObject({});
export type NopConfig = z.output<typeof nopConfigSchema>;
