module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'admin-gateway-e2e',
  rootDir: __dirname,
  // Real clusters on real ports: run the files one at a time, with generous timeouts.
  maxWorkers: 1,
  testTimeout: 120_000,
};
