// Builds web/dist/ from the sources and the wasm-release build of the core:
//   snippet.min.js  the inline snippet (budget: 1.5 KB)
//   omni.js         IIFE for the script tag          omni.mjs   ES module for bundlers
//   omni.wasm       the core                          omni.d.ts  TypeScript declarations
//   omni.<hash>.js / omni.<hash>.wasm + manifest.json content-hashed copies for immutable caching
//   size-report.json bytes raw / gzip / brotli; the build fails above the download budget.
// Usage: node scripts/build.mjs [--wasm-dir DIR]   (default: ../build/wasm-release/sdk/wasm,
// or $OMNI_WASM_DIR)
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argIndex = process.argv.indexOf('--wasm-dir');
const wasmDir = resolve(argIndex > 0 ? process.argv[argIndex + 1]
  : process.env.OMNI_WASM_DIR || join(web, '..', 'build', 'wasm-release', 'sdk', 'wasm'));
const dist = join(web, 'dist');
const budget = JSON.parse(readFileSync(join(web, 'size-budget.json'), 'utf8'));
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = { bundle: true, minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning' };
const buildScript = (outfile, wasmFile) => build({ ...common, entryPoints: [join(web, 'src/entry-script.js')],
  format: 'iife', outfile, define: { OMNI_WASM_FILE: JSON.stringify(wasmFile) } });
await buildScript(join(dist, 'omni.js'), 'omni.wasm');
await build({ ...common, entryPoints: [join(web, 'src/entry-module.js')], format: 'esm',
  outfile: join(dist, 'omni.mjs') });
const snippet = await transform(readFileSync(join(web, 'snippet/snippet.js'), 'utf8'),
  { minify: true, target: 'es2015', legalComments: 'none' });
writeFileSync(join(dist, 'snippet.min.js'), snippet.code.trim() + '\n');
copyFileSync(join(wasmDir, 'omni.wasm'), join(dist, 'omni.wasm'));
copyFileSync(join(web, 'types/omni.d.ts'), join(dist, 'omni.d.ts'));

// Content-hashed copies for immutable caching: the hashed script is built to fetch the hashed
// wasm beside it; manifest.json maps each name to its hashed file and SRI integrity.
const digest = (file, algorithm = 'sha256') => createHash(algorithm).update(readFileSync(join(dist, file)));
const hashedName = (file) => file.replace('.', '.' + digest(file).digest('hex').slice(0, 12) + '.');
const hashedWasm = hashedName('omni.wasm');
copyFileSync(join(dist, 'omni.wasm'), join(dist, hashedWasm));
await buildScript(join(dist, 'omni.hashed.js'), hashedWasm);
const hashedScript = hashedName('omni.hashed.js').replace('.hashed', '');
renameSync(join(dist, 'omni.hashed.js'), join(dist, hashedScript));
const integrity = (file) => 'sha384-' + digest(file, 'sha384').digest('base64');
const manifest = {
  'omni.js': { file: hashedScript, integrity: integrity(hashedScript) },
  'omni.wasm': { file: hashedWasm, integrity: integrity(hashedWasm) },
};
writeFileSync(join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

const sizes = {};
for (const file of ['snippet.min.js', 'omni.js', 'omni.mjs', 'omni.wasm']) {
  const bytes = readFileSync(join(dist, file));
  sizes[file] = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
const download = sizes['snippet.min.js'].brotli + sizes['omni.js'].brotli + sizes['omni.wasm'].brotli;
const report = { sizes, downloadBrotli: download, budget };
writeFileSync(join(dist, 'size-report.json'), JSON.stringify(report, null, 2) + '\n');
for (const [file, size] of Object.entries(sizes)) {
  console.log(`${file.padEnd(15)} ${String(size.raw).padStart(7)} B raw ${String(size.gzip).padStart(7)} gzip ${String(size.brotli).padStart(7)} brotli`);
}
console.log(`download (snippet + omni.js + omni.wasm, brotli): ${download} B, budget ${budget.downloadBrotli} B`);
const over = [];
if (download > budget.downloadBrotli) over.push(`download ${download} > ${budget.downloadBrotli}`);
if (sizes['snippet.min.js'].raw > budget.snippetRaw) over.push(`snippet ${sizes['snippet.min.js'].raw} > ${budget.snippetRaw}`);
if (over.length) {
  console.error('web build over budget: ' + over.join('; '));
  process.exit(1);
}
