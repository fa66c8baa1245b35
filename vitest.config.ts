import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // installs the real peers (prometheus, promtool, alertmanager) when missing
    globalSetup: ['test/global-setup.ts'],
    // LazySpans compare as the spans they decode to
    setupFiles: ['test/setup-equality.ts'],
  },
});
