module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'wal-inspect',
  rootDir: __dirname,
};
