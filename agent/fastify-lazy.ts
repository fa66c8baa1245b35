// fastify's schema compilers (ajv and fast-json-stringify, ~90 modules) loaded only when a route
// declares a schema: the OTLP/HTTP receiver and the telemetry server declare none, so an agent
// that runs only those never loads them (about 1 MiB less resident memory at idle).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Factory = (...args: unknown[]) => unknown;

/** `schemaController.compilersFactory` for `Fastify({...})`: fastify's own compilers, loaded on first use. */
export const lazySchemaCompilers = {
  buildValidator: (...args: unknown[]): unknown => ((require('@fastify/ajv-compiler') as () => Factory)())(...args),
  buildSerializer: (...args: unknown[]): unknown => ((require('@fastify/fast-json-stringify-compiler') as () => Factory)())(...args),
};
