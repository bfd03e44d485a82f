module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'admin-gateway',
  rootDir: __dirname,
  // The API tests boot the app against PostgreSQL (migrations included): allow for a busy machine.
  testTimeout: 30_000,
};
