module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'chaos',
  rootDir: __dirname,
  maxWorkers: 1,
  testTimeout: 300_000,
};
