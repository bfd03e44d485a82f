module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-node',
  rootDir: __dirname,
};
