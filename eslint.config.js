// Layering (docs/architecture.md): cli -> apiserver, kubelet -> store, image, volume, network, runtime -> api, util.
// Each zone lists what a layer may NOT import; a violation is a design bug, not a warning to silence.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const layers = [
  'api',
  'util',
  'store',
  'runtime',
  'network',
  'image',
  'volume',
  'kubelet',
  'apiserver',
  'cli',
];
const forbidden = {
  api: layers.filter((l) => l !== 'api'),
  util: layers.filter((l) => l !== 'util'),
  image: ['store', 'runtime', 'network', 'volume', 'kubelet', 'apiserver', 'cli'],
  network: ['store', 'runtime', 'image', 'volume', 'kubelet', 'apiserver', 'cli'],
  volume: ['store', 'runtime', 'network', 'image', 'kubelet', 'apiserver', 'cli'],
  runtime: ['store', 'volume', 'kubelet', 'apiserver', 'cli'],
  store: ['runtime', 'network', 'image', 'volume', 'kubelet', 'apiserver', 'cli'],
  kubelet: ['apiserver', 'cli'],
  apiserver: ['kubelet', 'cli'],
};
const zones = Object.entries(forbidden).flatMap(([layer, from]) =>
  from.map((f) => ({
    target: `./src/${layer}`,
    from: `./src/${f}`,
    message: `src/${layer} must not import src/${f}`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'native/build/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
