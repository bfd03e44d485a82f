module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'linearizability',
  rootDir: __dirname,
};
