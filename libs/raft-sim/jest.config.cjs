module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-sim',
  rootDir: __dirname,
};
