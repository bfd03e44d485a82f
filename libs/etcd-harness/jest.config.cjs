module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'etcd-harness',
  rootDir: __dirname,
};
