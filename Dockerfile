# One image for every Redress process (worker, bridge, projector, api, provision); docker-compose.yml picks the
# command. Build stage compiles TypeScript; the runtime stage has production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --no-save follows the lock without `npm ci`'s refusal of npm 11 lock files (see scripts/bootstrap).
RUN npm install --no-save --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY domain ./domain
COPY platform ./platform
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY clients ./clients
COPY infra ./infra
COPY store ./store
COPY policies ./policies
COPY templates ./templates
COPY reporting ./reporting
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
# The letter templates and the firm's letter settings, read at start (platform/template-files.ts).
COPY --from=build /app/templates ./templates
# The FCA return's product groups, read at the API's start (platform/product-group-files.ts).
COPY --from=build /app/reporting ./reporting
# The store's SQL migrations, read at the projector's start (store/migrate.ts finds them here).
COPY --from=build /app/store/migrations ./store/migrations
# The pages' style sheet and script, read by clients/web/pages.ts at start.
COPY --from=build /app/clients/web/static ./clients/web/static
COPY package.json ./
USER node
CMD ["node", "dist/workers/worker-main.js"]
