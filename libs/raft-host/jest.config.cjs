module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-host',
  rootDir: __dirname,
};
