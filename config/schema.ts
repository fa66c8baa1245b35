// The top-level config schema: storage, component sections, and service (telemetry, pipelines).
import { z } from 'zod';
import { duration } from './schema-helpers.js';

const idList = z.array(z.string());

export const pipelineSchema = z.strictObject({
  receivers: idList.min(1, 'a pipeline needs at least one receiver'),
  processors: idList.default([]),
  exporters: idList.min(1, 'a pipeline needs at least one exporter'),
});

/** Component sections map an id (`type` or `type/name`) to that instance's config (null = defaults). */
const section = z.record(z.string(), z.unknown()).nullable().transform((v) => v ?? {});

export const rootSchema = z.strictObject({
  receivers: section.default({}),
  processors: section.default({}),
  exporters: section.default({}),
  connectors: section.default({}),
  service: z.strictObject({
    /** Validated by the telemetry service. */
    telemetry: z.unknown().optional(),
    pipelines: z.record(z.string(), pipelineSchema, {
      error: (iss) => (iss.input === undefined ? 'missing: add a pipeline, e.g. traces: { receivers: [otlp], exporters: [debug] }' : undefined),
    }),
    /** How long SIGTERM may take to flush before the process exits anyway. */
    shutdown_timeout: duration().default(30_000),
  }, { error: (iss) => (iss.input === undefined ? 'the config has no service section: add service.pipelines' : undefined) }),
});

export type RootConfig = z.output<typeof rootSchema>;
