#!/usr/bin/env node
// Compiles every app and lib (not specs) to CommonJS under dist/, keeping the source tree
// layout. swc is used because it emits decorator metadata (NestJS dependency injection
// needs it) and rewrites the workspace path aliases into relative requires.
import { transformFile } from '@swc/core';
import { mkdir, readdir, readFile, rename, writeFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist');
const { compilerOptions } = JSON.parse(await readFile(join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(Object.entries(compilerOptions.paths).map(([k, v]) => [k, v.map((p) => p.replace(/^\.\//, ''))]));

async function* sources(dir) {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

const roots = [];
for (const group of ['apps', 'libs', 'tools']) {
  for (const name of await readdir(join(root, group)).catch(() => [])) {
    const src = join(root, group, name, 'src');
    if (await stat(src).catch(() => null)) roots.push(src);
  }
}

/**
 * Replaces `path` with `content` atomically (temp file + rename), and not at all when it
 * already holds it. Several test suites build at once while others start node processes
 * from dist/: a file truncated and rewritten in place was once loaded half-written by a
 * starting node ("KvStateMachine is not a constructor").
 */
async function writeIfChanged(path, content) {
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === content) return;
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}

let count = 0;
const started = Date.now();
await Promise.all(
  roots.map(async (src) => {
    for await (const file of sources(src)) {
      const { code, map } = await transformFile(file, {
        sourceMaps: true,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: root,
          paths,
        },
        module: { type: 'commonjs' },
      });
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeIfChanged(target, code + `\n//# sourceMappingURL=${target.split('/').pop()}.map`);
      if (map) await writeIfChanged(target + '.map', map);
      count++;
    }
  }),
);
console.log(`built ${count} files into dist/ in ${Date.now() - started} ms`);
