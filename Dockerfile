# syntax=docker/dockerfile:1
# One image for the HTTP server, the worker and the CLI (migrations, seeding); the command picks the role.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# Chromium renders the PDF reports; DejaVu gives it Cyrillic glyphs. No recommends: keeps the image small.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    STORAGE_DIR=/data/storage \
    CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# read at run time, found relative to package.json (src/common/project-root.ts)
COPY templates ./templates
COPY public ./public
COPY src/reference/data ./src/reference/data
RUN mkdir -p /data/storage && chown -R node:node /data
USER node
VOLUME ["/data/storage"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# the worker: ["node", "--max-old-space-size=192", "--max-semi-space-size=8", "dist/src/worker.js"]; the CLI: ["node", "dist/src/cli.js", "migrate"]
CMD ["node", "dist/src/main.js"]
