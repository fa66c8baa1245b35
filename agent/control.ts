// What services may ask of the agent itself: when it started, the config it runs, and a reload
// (the same reload SIGHUP triggers). Served under the key CONTROL, like the status board.
import type { Agent, ReloadResult } from './agent.js';
import { serviceKey } from './service.js';
import type { ResolvedConfig } from '../config/validate.js';

/** The agent's own controls, for the admin API: `host.findService(CONTROL)`. */
export interface AgentControl {
  /** When the agent started (ms, the agent's clock). */
  readonly startedAt: number;
  /** The config running now (replaced by a successful reload). */
  config(): ResolvedConfig;
  /** Reloads the config from where it came from (the file, for `outrider run`), as SIGHUP does. */
  reload(): Promise<ReloadResult>;
}

export const CONTROL = serviceKey<AgentControl>('control');

/** The controls of one agent. */
export function controlOf(agent: Agent): AgentControl {
  return { startedAt: agent.startedAt, config: () => agent.config, reload: () => agent.reload() };
}
