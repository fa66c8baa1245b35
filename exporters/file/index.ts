// file exporter: appends every batch as one OTLP/JSON line to a file, synchronously, before it acknowledges.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ExporterFactory, SignalConsumers } from '../../agent/component.js';
import { configFromSchema, once } from '../../agent/component.js';
import { errors } from '../../agent/errors.js';
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
          if (fd === undefined) throw errors.exportFailed(`${settings.id}: not started`, true);
          const json = (toJson[signal] as (d: SignalData[Signal]) => Record<string, unknown>)(data);
          const line = Buffer.from(JSON.stringify({ [envelopeKey[signal]]: json[envelopeKey[signal]] }) + '\n');
          try {
            // a full disk or an I/O error may pass: retryable, so nothing acknowledged is dropped
            for (let off = 0; off < line.length;) off += writeSync(fd, line, off, line.length - off);
            if (config.fsync) fsyncSync(fd);
          } catch (err) {
            throw errors.exportFailed(`${settings.id}: cannot write ${config.path}: ${(err as Error).message}`, true, err);
          }
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
