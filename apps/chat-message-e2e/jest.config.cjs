module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'chat-message-e2e',
  rootDir: __dirname,
  // Real clusters, chat processes and browsers on real ports: one file at a time.
  maxWorkers: 1,
  testTimeout: 120_000,
};
