# The production image: the server compiled to JavaScript and the built web client, run by
# `node` alone with production dependencies only. test/e2e/production-build.test.ts runs these
# steps in order on a temporary folder (no Docker engine needed), so keep to the instructions
# it knows: FROM, WORKDIR, COPY, RUN, ENV, USER, EXPOSE, HEALTHCHECK, CMD.

# Build: every dependency, then `npm run build` (dist/web by Vite, dist/server by tsc).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies in a stage of their own, so npm's download cache stays out of the image.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# Listens on every interface in the container. The data dir holds what a deployment keeps on
# local disk (the generated session secret, the mail outbox without SMTP): the node user's home,
# as the image runs as that user.
ENV NODE_ENV=production CAREPACK_HOST=0.0.0.0 PORT=3000 CAREPACK_DATA_DIR=/home/node/data
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/server ./dist/server
COPY --from=build /app/dist/web ./dist/web
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/server.js"]
