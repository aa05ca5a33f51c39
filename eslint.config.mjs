import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Layer rules: core never imports electron; common is pure (no Node, no DOM);
// the renderer talks only to the contract.
const noNodeBuiltins = {
  patterns: [
    {
      group: ['node:*', 'fs', 'child_process', 'os', 'path'],
      message: 'common/ and renderer/ stay free of Node.'
    }
  ]
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'screenshots/**', 'bench/results/**']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }
      ],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }]
    }
  },
  {
    files: [
      'electron/core/**/*.ts',
      'electron/cli/**/*.ts',
      'electron/server/**/*.ts',
      'electron/helper/**/*.ts'
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only electron/main and electron/preload may import electron.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noNodeBuiltins, paths: ['electron'] }] }
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { ...noNodeBuiltins, paths: ['electron'] }]
    }
  },
  {
    files: ['**/*.config.{ts,mjs}', 'eslint.config.mjs', 'vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' }
  },
  prettier
)
