// The otlp receiver: one Intake shared by the gRPC and HTTP servers it runs.
import type { Component, CreateSettings, Host, SignalConsumers } from '../../agent/component.js';
import { once } from '../../agent/component.js';
import type { OtlpReceiverConfig } from './config.js';
import { OtlpGrpcServer } from './grpc-server.js';
import { OtlpHttpServer } from './http-server.js';
import { Intake } from './intake.js';
import { ADMISSION } from '../../agent/admission.js';

export class OtlpReceiver implements Component {
  private readonly intake: Intake;
  readonly grpc: OtlpGrpcServer | undefined;
  readonly http: OtlpHttpServer | undefined;

  constructor(settings: CreateSettings, config: OtlpReceiverConfig, next: SignalConsumers) {
    this.intake = new Intake(settings, next);
    this.grpc = config.protocols.grpc ? new OtlpGrpcServer(config.protocols.grpc, this.intake) : undefined;
    this.http = config.protocols.http ? new OtlpHttpServer(config.protocols.http, this.intake) : undefined;
  }

  /** Bound addresses, host:port, per protocol. */
  get endpoints(): { grpc?: string; http?: string } {
    return { grpc: this.grpc?.address, http: this.http?.address };
  }

  async start(host: Host): Promise<void> {
    this.intake.admission = host.findService(ADMISSION);
    await this.grpc?.start();
    await this.http?.start();
    this.intake.zeroCounters([...(this.grpc ? ['grpc' as const] : []), ...(this.http ? ['http' as const] : [])]);
  }

  /** Stops accepting connections and requests, then lets requests in flight finish (bounded). */
  readonly shutdown = once(async () => {
    await Promise.all([this.grpc?.shutdown(), this.http?.shutdown()]);
  });
}
