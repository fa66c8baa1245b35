// The launch settings stand in four places besides agent/process-flags.ts; they must all agree.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_ENTRY, AGENT_ENV, AGENT_NODE_FLAGS } from './process-flags.js';

const read = (rel: string) => readFileSync(fileURLToPath(new URL(`../${rel}`, import.meta.url)), 'utf8');
const envWords = Object.entries(AGENT_ENV).map(([k, v]) => `${k}=${v}`);

describe('process flags', () => {
  it('package.json start runs node with the same env and flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toBe(`${envWords.join(' ')} node ${AGENT_NODE_FLAGS.join(' ')} ${AGENT_ENTRY} run`);
  });

  it('the cli shebang runs node with the same env and flags', () => {
    expect(read('agent/cli.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S ${envWords.join(' ')} node ${AGENT_NODE_FLAGS.join(' ')}`);
  });

  it('the outrider command is the bundle, and the bundle keeps the shebang', () => {
    expect((JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin.outrider).toBe(AGENT_ENTRY);
    expect(read(AGENT_ENTRY).split('\n')[0]).toBe(read('agent/cli.ts').split('\n')[0]);
  });

  it('the Dockerfile sets the same env and runs node with the same flags', () => {
    const docker = read('Dockerfile');
    for (const [k, v] of Object.entries(AGENT_ENV)) expect(docker).toMatch(new RegExp(`^\\s+${k}=${v}( \\\\)?$`, 'm'));
    expect(docker).toContain(`ENTRYPOINT ["node", ${AGENT_NODE_FLAGS.map((f) => JSON.stringify(f)).join(', ')}, ${JSON.stringify(AGENT_ENTRY)}]`);
  });
});
