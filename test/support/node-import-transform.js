// Jest runs the tests as CommonJS in its own module system, where `import()` fails unless Node is
// started with --experimental-vm-modules. PGlite's CommonJS build loads Node built-ins (fs, zlib, …)
// with `import("fs")`; this rewrites exactly those calls to `require`, for PGlite's files only, so the
// tests run with a plain `npx jest`. The production build runs PGlite untouched.
const BUILTIN_IMPORT = /\bimport\((["'])((?:node:)?[a-z_/]+)\1\)/g;
const { builtinModules } = require('node:module');
const builtins = new Set(builtinModules);

module.exports = {
  process(source) {
    return {
      // The module's own `require` under another name: the Emscripten code declares a `var require` of its own.
      code:
        'var __nodeRequire = require;' +
        source.replace(BUILTIN_IMPORT, (call, _q, name) =>
          builtins.has(name.replace(/^node:/, '')) ? `Promise.resolve(__nodeRequire("${name}"))` : call,
        ),
    };
  },
  getCacheKey(source) {
    return require('node:crypto').createHash('sha256').update('node-import-transform-2').update(source).digest('hex');
  },
};
