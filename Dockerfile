# Outrider sidecar image: built with the full toolchain, run on a slim Node as a non-root user with
# a read-only root filesystem; SQLite (SLO buckets, export queue, alert state, outbox) on a volume.
#   docker build -t outrider .
#   docker run --read-only -v outrider-data:/var/lib/outrider -p 4317:4317 -p 9464:9464 outrider
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# better-sqlite3 builds from source here (node-gyp, python3 and g++ are in the full image)
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && sh scripts/trim-production.sh .

FROM node:20-bookworm-slim
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="outrider" \
      org.opencontainers.image.description="OpenTelemetry sidecar agent: OTLP in, sampling, cost, RED metrics and SLOs, Prometheus and alerting out" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576 \
    OUTRIDER_STORAGE_PATH=/var/lib/outrider/outrider.db
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN groupadd --system --gid 10001 outrider \
    && useradd --system --uid 10001 --gid outrider --home-dir /var/lib/outrider --no-create-home outrider \
    && mkdir -p /var/lib/outrider && chown 10001:10001 /var/lib/outrider
# the only writable place the agent needs; run with --read-only (Kubernetes: readOnlyRootFilesystem)
VOLUME ["/var/lib/outrider"]
# numeric, so Kubernetes' runAsNonRoot can verify it
USER 10001:10001
# OTLP gRPC, OTLP HTTP, /metrics + health, admin API (bound to 127.0.0.1 unless configured)
EXPOSE 4317 4318 9464 13133
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--max-semi-space-size=16", "--heap-growing-percent=300", "dist/bundle/cli.js"]
CMD ["run"]
