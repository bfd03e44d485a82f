module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'admin-gateway',
  rootDir: __dirname,
};
