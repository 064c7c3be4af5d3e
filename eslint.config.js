// Layering (docs/architecture.md): cli -> controllers, scheduler -> apiserver -> store; cli -> kubelet -> store, image,
// volume, network, runtime; cli -> dns, proxy -> store, network; inspect -> runtime; everything -> api, util.
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
  'dns',
  'proxy',
  'kubelet',
  'apiserver',
  'controllers',
  'scheduler',
  'cli',
];
// The control loops above the API server (controllers, scheduler) and the node's services (dns, proxy).
const above = ['dns', 'proxy', 'controllers', 'scheduler', 'kubelet', 'apiserver', 'cli'];
const forbidden = {
  api: layers.filter((l) => l !== 'api'),
  util: layers.filter((l) => l !== 'util'),
  image: ['store', 'runtime', 'inspect', 'network', 'volume', ...above],
  network: ['store', 'runtime', 'inspect', 'image', 'volume', ...above],
  volume: ['store', 'runtime', 'inspect', 'network', 'image', ...above],
  runtime: ['store', 'volume', 'inspect', ...above],
  inspect: ['store', 'network', 'image', 'volume', ...above],
  store: ['runtime', 'inspect', 'network', 'image', 'volume', ...above],
  dns: ['runtime', 'inspect', 'image', 'volume', ...above.filter((l) => l !== 'dns')],
  proxy: ['runtime', 'inspect', 'image', 'volume', ...above.filter((l) => l !== 'proxy')],
  kubelet: ['dns', 'proxy', 'controllers', 'scheduler', 'apiserver', 'cli'],
  apiserver: ['dns', 'proxy', 'controllers', 'scheduler', 'kubelet', 'cli'],
  controllers: [
    'runtime',
    'inspect',
    'network',
    'image',
    'volume',
    'dns',
    'proxy',
    'scheduler',
    'kubelet',
    'cli',
  ],
  scheduler: [
    'runtime',
    'inspect',
    'network',
    'image',
    'volume',
    'dns',
    'proxy',
    'controllers',
    'kubelet',
    'cli',
  ],
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
    files: ['**/*.ts', '**/*.tsx'],
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
