module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cluster-testing',
  rootDir: __dirname,
};
