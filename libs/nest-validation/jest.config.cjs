module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'nest-validation',
  rootDir: __dirname,
};
