// The otlp exporter: the shared queued exporter core over an OTLP/gRPC transport.
import type { Component, CreateSettings, SignalConsumers } from '../../agent/component.js';
import { createQueuedExporter } from '../../agent/exporterhelper/exporter.js';
import type { Signal } from '../../agent/pdata/model.js';
import type { OtlpConfig } from './config.js';
import { GrpcTransport } from './grpc-transport.js';

/** An OTLP/gRPC exporter for `signals`; the channel opens at start. */
export function createOtlpExporter(settings: CreateSettings, config: OtlpConfig, signals: readonly Signal[]): Component & SignalConsumers {
  return createQueuedExporter({ settings, config, signals, createTransport: () => new GrpcTransport(settings.id, config) });
}
