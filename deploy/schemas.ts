// Schemas of what the deployment kit ships: the fields of each Kubernetes kind and of the compose
// file that the kit uses, with the API's types, required keys and enums (a subset of the upstream
// OpenAPI and compose-spec schemas, strict where the kit writes).
import { z } from 'zod';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label');
const labels = z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/), z.string().max(63));
const metadata = z.object({ name, namespace: name.optional(), labels: labels.optional(), annotations: z.record(z.string(), z.string()).optional() });
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G)?$/, 'must be a Kubernetes quantity');
const resources = z.strictObject({ requests: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), quantity).optional(), limits: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), quantity).optional() });
const probe = z.strictObject({
  httpGet: z.strictObject({ path: z.string().startsWith('/'), port: z.union([z.number().int().min(1).max(65535), name]) }),
  periodSeconds: z.number().int().positive().optional(), failureThreshold: z.number().int().positive().optional(),
  initialDelaySeconds: z.number().int().nonnegative().optional(), timeoutSeconds: z.number().int().positive().optional(),
});
const envVar = z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), value: z.string() });
const container = z.strictObject({
  name, image: z.string().min(1), restartPolicy: z.literal('Always').optional(),
  args: z.array(z.string()).optional(), command: z.array(z.string()).optional(),
  env: z.array(envVar).optional(),
  envFrom: z.array(z.strictObject({ secretRef: z.strictObject({ name }) })).optional(),
  ports: z.array(z.strictObject({ name: name.max(15), containerPort: z.number().int().min(1).max(65535), protocol: z.enum(['TCP', 'UDP']).optional() })).optional(),
  startupProbe: probe.optional(), readinessProbe: probe.optional(), livenessProbe: probe.optional(),
  resources: resources.optional(),
  securityContext: z.strictObject({
    runAsNonRoot: z.boolean().optional(), runAsUser: z.number().int().optional(), runAsGroup: z.number().int().optional(),
    readOnlyRootFilesystem: z.boolean().optional(), allowPrivilegeEscalation: z.boolean().optional(),
    capabilities: z.strictObject({ drop: z.array(z.string()) }).optional(),
    seccompProfile: z.strictObject({ type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']) }).optional(),
  }).optional(),
  volumeMounts: z.array(z.strictObject({ name, mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() })).optional(),
});
const volume = z.strictObject({ name, configMap: z.strictObject({ name }).optional(), emptyDir: z.strictObject({ sizeLimit: quantity.optional(), medium: z.string().optional() }).optional(), persistentVolumeClaim: z.strictObject({ claimName: name }).optional() });

const deployment = z.strictObject({
  apiVersion: z.literal('apps/v1'), kind: z.literal('Deployment'), metadata,
  spec: z.strictObject({
    replicas: z.number().int().nonnegative().optional(),
    selector: z.strictObject({ matchLabels: labels }),
    template: z.strictObject({
      metadata: z.object({ labels, annotations: z.record(z.string(), z.string()).optional() }),
      spec: z.strictObject({
        initContainers: z.array(container).optional(), containers: z.array(container).min(1), volumes: z.array(volume).optional(),
        securityContext: z.strictObject({ fsGroup: z.number().int().optional() }).optional(),
        terminationGracePeriodSeconds: z.number().int().nonnegative().optional(),
      }),
    }),
  }),
});
const configMap = z.strictObject({ apiVersion: z.literal('v1'), kind: z.literal('ConfigMap'), metadata, data: z.record(z.string(), z.string()) });
const secret = z.strictObject({ apiVersion: z.literal('v1'), kind: z.literal('Secret'), metadata, type: z.string(), stringData: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string()) });
const podMonitor = z.strictObject({
  apiVersion: z.literal('monitoring.coreos.com/v1'), kind: z.literal('PodMonitor'), metadata,
  spec: z.strictObject({
    selector: z.strictObject({ matchLabels: labels }),
    namespaceSelector: z.strictObject({ any: z.boolean().optional(), matchNames: z.array(name).optional() }).optional(),
    podMetricsEndpoints: z.array(z.strictObject({
      port: name, path: z.string().startsWith('/').optional(), interval: z.string().regex(/^\d+[smh]$/).optional(), honorLabels: z.boolean().optional(),
      relabelings: z.array(z.strictObject({ sourceLabels: z.array(z.string()).optional(), targetLabel: z.string().optional(), action: z.string().optional(), regex: z.string().optional(), replacement: z.string().optional() })).optional(),
    })).min(1),
  }),
});
const promRule = z.strictObject({ record: z.string().optional(), alert: z.string().optional(), expr: z.string().min(1), for: z.string().optional(), labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() })
  .refine((r) => (r.record === undefined) !== (r.alert === undefined), 'a rule has exactly one of record and alert');
const prometheusRule = z.strictObject({
  apiVersion: z.literal('monitoring.coreos.com/v1'), kind: z.literal('PrometheusRule'), metadata,
  spec: z.strictObject({ groups: z.array(z.strictObject({ name: z.string().min(1), interval: z.string().optional(), rules: z.array(promRule).min(1) })).min(1) }),
});

/** One Kubernetes object of a kind the kit ships. */
export const k8sObject = z.discriminatedUnion('kind', [deployment, configMap, secret, podMonitor, prometheusRule]);

const port = z.string().regex(/^(\d{1,5}:)?\d{1,5}(\/(tcp|udp))?$/, 'must be "host:container"');
const service = z.strictObject({
  image: z.string().min(1).optional(),
  build: z.strictObject({ context: z.string(), dockerfile: z.string().optional() }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(:ro|:rw)?$/, 'must be "source:/target[:ro]"')).optional(),
  ports: z.array(port).optional(),
  depends_on: z.union([z.array(z.string()), z.record(z.string(), z.strictObject({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) }))]).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  read_only: z.boolean().optional(),
  tmpfs: z.array(z.string().startsWith('/')).optional(),
}).refine((s) => s.image !== undefined || s.build !== undefined, 'a service needs an image or a build');

/** The compose file (compose-spec keys the kit uses). */
export const composeFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9._-]+$/), service),
  volumes: z.record(z.string(), z.union([z.null(), z.strictObject({})])).optional(),
});
