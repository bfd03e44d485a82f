module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-core',
  rootDir: __dirname,
};
