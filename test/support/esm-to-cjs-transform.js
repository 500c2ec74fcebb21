// Jest runs the tests as CommonJS in its own module system, which cannot `require` an ES module before
// Node 24.9. The respect check counts syllables with `syllable`, published as ES modules only; this
// compiles exactly that package's files to CommonJS with TypeScript's own transpiler (no type checking,
// no new dependency), so the tests load the same code the workflow bundle (webpack) and Node (require(esm)) do.
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const out = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    return { code: out.outputText };
  },
  getCacheKey(source) {
    return require('node:crypto')
      .createHash('sha256')
      .update('esm-to-cjs-transform-1')
      .update(ts.version)
      .update(source)
      .digest('hex');
  },
};
