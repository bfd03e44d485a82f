module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'raft-sim',
  rootDir: __dirname,
  // The seed sweep is split over four files; on a 2-core machine Jest's default (cores − 1)
  // would run them one at a time.
  maxWorkers: 2,
};
