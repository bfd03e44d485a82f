module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'chat-message',
  rootDir: __dirname,
  // Specs that touch PostgreSQL/Redis share one connection pool each; keep them sequential.
  maxWorkers: 1,
  testTimeout: 30_000,
};
