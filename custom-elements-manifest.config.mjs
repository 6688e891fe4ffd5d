// Generates custom-elements.json from the JSDoc tags on the elements in src/ui/.
export default {
  globs: ['src/ui/**/*.ts'],
  exclude: ['src/ui/**/*.test.ts', 'src/ui/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
};
