// The otlphttp exporter: the shared queued exporter core over an OTLP/HTTP (protobuf) transport.
import type { Component, CreateSettings, SignalConsumers } from '../../agent/component.js';
import { createQueuedExporter } from '../../agent/exporterhelper/exporter.js';
import type { Signal } from '../../agent/pdata/model.js';
import type { OtlphttpConfig } from './config.js';
import { HttpTransport } from './http-transport.js';

/** An OTLP/HTTP exporter for `signals` (POST /v1/traces, /v1/metrics, /v1/logs). */
export function createOtlphttpExporter(settings: CreateSettings, config: OtlphttpConfig, signals: readonly Signal[]): Component & SignalConsumers {
  return createQueuedExporter({ settings, config, signals, createTransport: () => new HttpTransport(settings.id, config) });
}
