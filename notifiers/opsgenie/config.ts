// Config of the `opsgenie` notifier: the API integration key (a secret), the region or a base URL,
// responders and extra tags.
import { z } from 'zod';
import { configFromSchema } from '../../agent/component.js';
import { httpUrl, secretString } from '../../agent/notifiers/schema.js';

const responderSchema = z.strictObject({
  type: z.enum(['team', 'user', 'escalation', 'schedule']),
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
}).refine((r) => [r.id, r.name, r.username].filter(Boolean).length === 1, { message: 'give exactly one of id, name, username' });

export const opsgenieConfigSchema = z.strictObject({
  /** The API integration key (`Authorization: GenieKey <key>`). A secret. Required. */
  api_key: secretString('an Opsgenie API integration key'),
  /** `us` (https://api.opsgenie.com) or `eu` (https://api.eu.opsgenie.com). Default us. */
  region: z.enum(['us', 'eu']).default('us'),
  /** Base URL overriding `region` (tests, proxies, the JSM Ops successor). */
  api_url: httpUrl().optional(),
  /** Who gets the alert, e.g. `[{ type: team, name: sre }]`; default: the integration's team. */
  responders: z.array(responderSchema).max(50).default([]),
  /** Tags added to every alert (at most 20 in all, 50 characters each). */
  tags: z.array(z.string().min(1).max(50)).max(10).default([]),
});
export type OpsgenieConfig = z.output<typeof opsgenieConfigSchema>;

export const opsgenieConfig = configFromSchema('notifiers.opsgenie', opsgenieConfigSchema);

/** The API base URL of a config. */
export function opsgenieBaseUrl(c: OpsgenieConfig): string {
  const base = c.api_url ?? (c.region === 'eu' ? 'https://api.eu.opsgenie.com' : 'https://api.opsgenie.com');
  return base.replace(/\/+$/, '');
}
