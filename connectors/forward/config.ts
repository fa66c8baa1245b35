// Config of the forward connector: none.
import { z } from 'zod';

export const forwardConfigSchema = z.strictObject({});
export type ForwardConfig = z.output<typeof forwardConfigSchema>;
