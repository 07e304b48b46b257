/**
 * Structure of the container image: deploy/docker/Dockerfile and .dockerignore, checked by parsing them
 * (no Docker engine here), like docker-compose.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOCKERFILE = 'deploy/docker/Dockerfile';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions (comments and parser directives dropped, continuations joined). */
function dockerfileInstructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe(DOCKERFILE, () => {
  const instructions = dockerfileInstructions(fs.readFileSync(path.join(ROOT, DOCKERFILE), 'utf8'));
  const froms = instructions
    .map((ins, i) => [ins, i] as const)
    .filter(([ins]) => ins.op === 'FROM');
  const lastFrom = froms[froms.length - 1]?.[1] ?? 0;
  const build = instructions.slice(0, lastFrom);
  const runtime = instructions.slice(lastFrom);
  const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const text = instructions
      .filter((i) => i.op === 'FROM' || i.op === 'ARG')
      .map((i) => i.args)
      .join('\n');
    expect(text).toContain('node:20-bookworm-slim');
  });

  it('installs with npm ci, builds with `npm run build` and drops dev dependencies', () => {
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm prune\b.*--omit=dev/.test(r))).toBe(true);
    const runtimeCopies = runtime.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const what of ['dist', 'node_modules', 'package.json']) {
      expect({
        what,
        copied: runtimeCopies.some((c) => c.startsWith('--from=') && c.includes(what)),
      }).toEqual({
        what,
        copied: true,
      });
    }
  });

  it('runs as a non-root user', () => {
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
  });

  it('has a HEALTHCHECK on /health done with node', () => {
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/\bCMD\b/);
    expect(hc?.args).toContain('node');
    expect(hc?.args).toMatch(/\/health\b/);
  });

  it('sets production defaults and starts the app chosen by APP with node as the signalled process', () => {
    expect(runtime.some((i) => i.op === 'ARG' && /^APP\b/.test(i.args))).toBe(true);
    const envs = runtime
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(envs).toMatch(/\bNODE_ENV=production\b/);
    expect(envs).toMatch(/\bHTTP_HOST=0\.0\.0\.0\b/);
    const start = [...runtime].reverse().find((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT');
    expect(start).toBeDefined();
    const argv = JSON.parse(start!.args) as string[]; // exec form (a JSON array), so signals are not eaten
    const line = argv.join(' ');
    expect(line).toContain('dist/apps/${APP}/src/main.js');
    expect(argv[0] === 'node' || /\bexec node\b/.test(line)).toBe(true);
  });

  it('has a .dockerignore that keeps host builds out and the sources in', () => {
    const ignore = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/^\*\*\//, '').replace(/\/$/, ''));
    for (const out of ['node_modules', 'dist', '.git', '.cache', '.nx', 'coverage'])
      expect(ignore).toContain(out);
    // Whatever the Dockerfile copies from the context must not be ignored.
    const copied = build
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(copied).toEqual(
      expect.arrayContaining([
        'package.json',
        'package-lock.json',
        'patches',
        'apps',
        'libs',
        'scripts',
      ]),
    );
    for (const src of copied) {
      expect({ src, ignored: ignore.includes(src) || ignore.includes(src.split('/')[0]) }).toEqual({
        src,
        ignored: false,
      });
      expect(fs.existsSync(path.join(ROOT, src))).toBe(true);
    }
  });
});
