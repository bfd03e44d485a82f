module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-transport',
  rootDir: __dirname,
};
