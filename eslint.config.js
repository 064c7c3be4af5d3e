// Layering (docs/architecture.md): cli -> apiserver, kubelet -> store, image, volume, network, inspect -> runtime -> api, util.
// Each zone lists what a layer may NOT import; a violation is a design bug, not a warning to silence.
import tseslint from 'typescript-eslint';

const layers = [
  'api',
  'util',
  'store',
  'runtime',
  'inspect',
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
  image: ['store', 'runtime', 'inspect', 'network', 'volume', 'kubelet', 'apiserver', 'cli'],
  network: ['store', 'runtime', 'inspect', 'image', 'volume', 'kubelet', 'apiserver', 'cli'],
  volume: ['store', 'runtime', 'inspect', 'network', 'image', 'kubelet', 'apiserver', 'cli'],
  runtime: ['store', 'volume', 'inspect', 'kubelet', 'apiserver', 'cli'],
  inspect: ['store', 'network', 'image', 'volume', 'kubelet', 'apiserver', 'cli'],
  store: ['runtime', 'inspect', 'network', 'image', 'volume', 'kubelet', 'apiserver', 'cli'],
  kubelet: ['apiserver', 'cli'],
  apiserver: ['kubelet', 'cli'],
};
// ESLint's own no-restricted-imports, one block per layer: matching `**/<layer>/**` catches every relative path into it.
const layerRules = Object.entries(forbidden).map(([layer, from]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: from.map((f) => `**/${f}/**`),
            message: `src/${layer} must not import these layers (see docs/architecture.md)`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'native/build/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  ...layerRules,
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
