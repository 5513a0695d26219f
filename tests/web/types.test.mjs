// The TypeScript declarations (web/types/omni.d.ts) compile against real usage, and reject a
// wrong one: the compiler from web/'s dev dependencies, in strict mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const tsc = join(root, 'web', 'node_modules', 'typescript', 'bin', 'tsc');

function compile(source) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-types-'));
  try {
    writeFileSync(join(dir, 'usage.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2020', module: 'ESNext', moduleResolution: 'Bundler',
        lib: ['ES2020', 'DOM'], skipLibCheck: false,
        paths: { '@omni-sdk/web': [join(root, 'web', 'types', 'omni.d.ts')] },
      },
      files: ['usage.ts'],
    }));
    execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (error) {
    return String(error.stdout || error.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every public call type-checks against omni.d.ts in strict mode', () => {
  assert.equal(compile(readFileSync(join(root, 'tests', 'web', 'types-usage.ts'), 'utf8')), '');
});

test('a wrong call does not type-check', () => {
  const errors = compile(`import { createOmni } from '@omni-sdk/web';
    createOmni().track(42);
    createOmni().init({ collector: 'https://c.example' });`);
  assert.match(errors, /usage\.ts\(2,/);
  assert.match(errors, /writeKey/);
});
