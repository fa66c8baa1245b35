// file exporter: appends every batch as one OTLP/JSON line to a file, synchronously, before it acknowledges.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ExporterFactory, SignalConsumers } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import { bool } from '../../config/schema-helpers.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../agent/pdata/json.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';

export const fileConfigSchema = z.strictObject({
  /** File to append to; created with its folder. Default ./data/outrider-export.jsonl. */
  path: z.string().min(1, 'must not be empty').default('./data/outrider-export.jsonl'),
  /** fsync after every batch (slower; survives power loss, not only a process crash). Default false. */
  fsync: bool().default(false),
});
export type FileConfig = z.output<typeof fileConfigSchema>;

const toJson = { traces: encodeTracesJson, metrics: encodeMetricsJson, logs: encodeLogsJson } as const;
const envelopeKey = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' } as const;

export const fileFactory: ExporterFactory<FileConfig> = {
  kind: 'exporter',
  type: 'file',
  signals: ['traces', 'metrics', 'logs'],
  ...configFromSchema('file', fileConfigSchema),
  create(settings, config, signals) {
    let fd: number | undefined;
    const consumers: SignalConsumers = {};
    for (const signal of signals) {
      (consumers as Record<Signal, unknown>)[signal] = {
        mutates: false,
        async consume(data: SignalData[Signal]) {
          if (fd === undefined) throw new Error(`${settings.id}: not started`);
          const json = (toJson[signal] as (d: SignalData[Signal]) => Record<string, unknown>)(data);
          const line = JSON.stringify({ [envelopeKey[signal]]: json[envelopeKey[signal]] }) + '\n';
          writeSync(fd, line);
          if (config.fsync) fsyncSync(fd);
        },
      };
    }
    return {
      ...consumers,
      async start() {
        mkdirSync(dirname(config.path), { recursive: true });
        fd = openSync(config.path, 'a');
      },
      shutdown: once(async () => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      }),
    };
  },
};
