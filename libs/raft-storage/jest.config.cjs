module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-storage',
  rootDir: __dirname,
};
