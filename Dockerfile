# One image for every service of the monorepo; the command picks the app.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npx -y npm@10 ci --no-audit --no-fund
COPY . .
RUN node tools/build/build.mjs

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps ./apps
# Default: a raft node; compose overrides the command for the other services.
CMD ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/apps/raft-node/src/main.js"]
