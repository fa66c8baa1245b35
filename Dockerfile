# Outrider sidecar image: build with the full toolchain, run on a slim Node with a non-root user.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY tsconfig.json ./
COPY agent ./agent
COPY config ./config
COPY receivers ./receivers
COPY processors ./processors
COPY exporters ./exporters
COPY connectors ./connectors
COPY test/kit ./test/kit
COPY bench ./bench
# npm ci builds better-sqlite3 from source and runs `prepare` (tsc), then we drop dev dependencies.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    OUTRIDER_STORAGE_PATH=/var/lib/outrider/outrider.db
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN groupadd --system --gid 10001 outrider \
    && useradd --system --uid 10001 --gid outrider --home /var/lib/outrider outrider \
    && mkdir -p /var/lib/outrider && chown outrider:outrider /var/lib/outrider
# numeric, so Kubernetes' runAsNonRoot can verify it
USER 10001
# OTLP gRPC, OTLP HTTP, /metrics + health
EXPOSE 4317 4318 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=2", "dist/agent/cli.js"]
CMD ["run"]
