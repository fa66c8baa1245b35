// OTLP/JSON codec entry point: decode request bodies into the model and encode the model back.
//
// Rules (OTLP/HTTP JSON): lowerCamelCase keys only (snake_case keys are unknown and ignored, like any
// unknown key); traceId/spanId are hex (either case) of 32/16 digits, and "" means no id (zero-length);
// enums are integers (their names are accepted too); int64/fixed64 are written as decimal strings and
// read from strings or numbers (numbers above 2^53 have already lost precision in JSON.parse);
// bytesValue is base64; doubles may be "NaN", "Infinity", "-Infinity". Encoding omits proto3 defaults.
export { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './json-decode.js';
export { encodeLogsJson, encodeMetricsJson, encodeTracesJson } from './json-encode.js';
