// Config of the file exporter.
import { z } from 'zod';
import { bool } from '../../config/schema-helpers.js';

export const fileConfigSchema = z.strictObject({
  /** File to append to; created with its folder. Default ./data/outrider-export.jsonl. */
  path: z.string().min(1, 'must not be empty').default('./data/outrider-export.jsonl'),
  /** fsync after every batch (slower; survives power loss, not only a process crash). Default false. */
  fsync: bool().default(false),
});
export type FileConfig = z.output<typeof fileConfigSchema>;
