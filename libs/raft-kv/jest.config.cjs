module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-kv',
  rootDir: __dirname,
};
