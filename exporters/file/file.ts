// The file exporter: appends every batch as one OTLP/JSON line to a file, synchronously, before it acknowledges.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Component, CreateSettings, SignalConsumers } from '../../agent/component.js';
import { consumersFor, once } from '../../agent/component.js';
import { errors } from '../../agent/errors.js';
import { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from '../../agent/pdata/json.js';
import type { Signal, SignalData } from '../../agent/pdata/model.js';
import type { FileConfig } from './config.js';

const toJson = { traces: encodeTracesJson, metrics: encodeMetricsJson, logs: encodeLogsJson } as const;
const envelopeKey = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' } as const;

/** A file exporter for `signals`; the file is opened at start. */
export function createFileExporter(settings: CreateSettings, config: FileConfig, signals: readonly Signal[]): Component & SignalConsumers {
  let fd: number | undefined;
  const consumers = consumersFor(signals, <S extends Signal>(signal: S) => ({
      mutates: false,
      async consume(data: SignalData[S]) {
        if (fd === undefined) throw errors.exportFailed(`${settings.id}: not started`, true);
        const json = (toJson[signal] as (d: SignalData[S]) => Record<string, unknown>)(data);
        const line = Buffer.from(JSON.stringify({ [envelopeKey[signal]]: json[envelopeKey[signal]] }) + '\n');
        try {
          // a full disk or an I/O error may pass: retryable, so nothing acknowledged is dropped
          for (let off = 0; off < line.length;) off += writeSync(fd, line, off, line.length - off);
          if (config.fsync) fsyncSync(fd);
        } catch (err) {
          throw errors.exportFailed(`${settings.id}: cannot write ${config.path}: ${(err as Error).message}`, true, err);
        }
      },
  }));
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
}
