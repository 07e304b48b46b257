/**
 * What each app does with the vault, read from its code (no server): the calls on the SecretStore
 * (`secrets.get|find|put|putIfLatest|revoke(path…)`) in the app's own sources and in the
 * libs/lifecycle functions and methods it reaches, each turned into the Vault KV v2 path and
 * capability it needs. The vault holds two kinds of paths only: a tenant's credentials
 * (`tenants/…`, built by `tenantResourceNames(…).secretPath`) and the registry's orders
 * (`registry/<kind>/…`, built by `registryOrderPath(…, '<kind>')` or `tenantStatusOrderPath`);
 * docker-compose.spec holds the code to that, so a call without an order helper is a tenant path.
 *
 * Reachability is by name, deliberately coarse where it cannot be exact: a lifecycle function
 * called by name, a method called as `this.name(` in its own file, a lifecycle class used (all of
 * its file), and for a lifecycle class an app extends (ResourceStage) only the methods the app
 * calls on it (`.name(`). Coarse means more access, never less: a policy that passes is at least
 * what the code needs, and the spec's exact comparison shows any excess.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Capability = 'read' | 'create' | 'update' | 'delete';
/** Vault path (KV v2 mount `secret`) → capabilities. */
export type VaultAccess = Map<string, Set<Capability>>;

const ROOT = path.resolve(__dirname, '../../..');
const LIFECYCLE = path.join(ROOT, 'libs/lifecycle/src/lib');
const MOUNT = 'secret';

interface Unit {
  readonly file: string;
  readonly name: string;
  readonly text: string;
}

const CALL = /\bsecrets\.(get|find|put|putIfLatest|revoke)\(/g;

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) => path.join(d.parentPath, d.name))
    .filter((f) => path.basename(f) !== 'index.ts')
    .sort();
}

/** A file without its import statements (a name imported is not a name used). */
function body(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^import\s[\s\S]*?from\s+'[^']+';$/gm, '');
}

/** Top-level functions and class methods, each up to the next one. */
function unitsOf(file: string): Unit[] {
  const lines = body(file).split('\n');
  const starts: { line: number; name: string }[] = [];
  lines.forEach((line, i) => {
    const fn = /^(?:export\s+)?(?:async\s+)?function\s+(\w+)/.exec(line);
    const method =
      /^ {2}(?:(?:public|protected|private|static|override|abstract|readonly)\s+)*(?:async\s+)?(\w+)\s*(?:<[^>]*>)?\(/.exec(
        line,
      );
    const name = fn?.[1] ?? method?.[1];
    if (name && !['if', 'for', 'while', 'switch', 'return'].includes(name)) {
      starts.push({ line: i, name });
    }
  });
  if (starts.length === 0) return [{ file, name: '(file)', text: lines.join('\n') }];
  return starts.map((s, i) => ({
    file,
    name: s.name,
    text: lines.slice(s.line, starts[i + 1]?.line ?? lines.length).join('\n'),
  }));
}

/** The first argument of the call whose `(` is at `open`. */
function firstArgument(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth += 1;
    if (c === ')' || c === ']' || c === '}') depth -= 1;
    if ((c === ',' && depth === 1) || depth === 0) return text.slice(open + 1, i).trim();
  }
  throw new Error(`unbalanced call at ${open}`);
}

/** Which part of the vault a path expression names. */
export function areaOf(expression: string): string {
  if (/\btenantStatusOrderPath\(/.test(expression)) return 'registry/tenant-status';
  if (/\bregistryOrderPath\(/.test(expression)) {
    const kind = /registryOrderPath\([\s\S]*'([a-z-]+)'\s*,?\s*\)/.exec(expression)?.[1];
    return kind ? `registry/${kind}` : 'registry';
  }
  return 'tenants';
}

function add(into: VaultAccess, vaultPath: string, ...capabilities: Capability[]): void {
  if (!into.has(vaultPath)) into.set(vaultPath, new Set());
  for (const c of capabilities) into.get(vaultPath)!.add(c);
}

function merge(into: VaultAccess, from: VaultAccess): void {
  for (const [p, caps] of from) add(into, p, ...caps);
}

/** The secret-store calls written in this text. */
export function directAccess(text: string): VaultAccess {
  const access: VaultAccess = new Map();
  for (const match of text.matchAll(CALL)) {
    const area = areaOf(firstArgument(text, match.index + match[0].length - 1));
    const data = `${MOUNT}/data/${area}/*`;
    switch (match[1]) {
      case 'get':
      case 'find':
        add(access, data, 'read');
        break;
      case 'put':
      case 'putIfLatest': // a KV v2 write, with or without check-and-set
        add(access, data, 'create', 'update');
        break;
      case 'revoke': // deletes the key's metadata: every version destroyed
        add(access, `${MOUNT}/metadata/${area}/*`, 'delete');
        break;
    }
  }
  return access;
}

class LifecycleIndex {
  readonly units = new Map<string, Unit[]>();
  readonly functions = new Map<string, Unit>();
  readonly classes = new Map<string, string>();

  constructor() {
    for (const file of sourceFiles(LIFECYCLE)) {
      const units = unitsOf(file);
      this.units.set(file, units);
      const text = body(file);
      for (const [, name] of text.matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)) {
        this.functions.set(
          name,
          units.find((u) => u.name === name)!,
        );
      }
      for (const [, name] of text.matchAll(/^export\s+(?:abstract\s+)?class\s+(\w+)/gm)) {
        this.classes.set(name, file);
      }
    }
  }

  /** What running this unit may do with the vault, with what it reaches in libs/lifecycle. */
  access(unit: Unit, seen = new Set<Unit>()): VaultAccess {
    const access: VaultAccess = new Map();
    if (seen.has(unit)) return access;
    seen.add(unit);
    merge(access, directAccess(unit.text));
    for (const [name, fn] of this.functions) {
      if (fn !== unit && new RegExp(`(?<![.\\w])${name}\\(`).test(unit.text)) {
        merge(access, this.access(fn, seen));
      }
    }
    for (const [, name] of unit.text.matchAll(/\bthis\.(\w+)\(/g)) {
      for (const u of this.units.get(unit.file) ?? []) {
        if (u.name === name) merge(access, this.access(u, seen));
      }
    }
    for (const [name, file] of this.classes) {
      if (file !== unit.file && new RegExp(`\\b${name}\\b`).test(unit.text)) {
        for (const u of this.units.get(file)!) merge(access, this.access(u, seen));
      }
    }
    return access;
  }
}

/** The vault access apps/<app>/src needs, as its code has it. */
export function appVaultAccess(app: string): VaultAccess {
  const lifecycle = new LifecycleIndex();
  const files = sourceFiles(path.join(ROOT, 'apps', app, 'src'));
  const access: VaultAccess = new Map();
  const calledMembers = new Set(
    files.flatMap((f) => [...body(f).matchAll(/\.(\w+)\(/g)].map((m) => m[1])),
  );
  const seen = new Set<Unit>();
  for (const file of files) {
    // A lifecycle class the app extends: only the methods the app calls on it run.
    const text = body(file);
    for (const [, base] of text.matchAll(/\bextends\s+(\w+)/g)) {
      const baseFile = lifecycle.classes.get(base);
      if (!baseFile) continue;
      for (const u of lifecycle.units.get(baseFile)!) {
        if (calledMembers.has(u.name)) merge(access, lifecycle.access(u, seen));
      }
    }
    const appFile = `${file}#app`;
    for (const unit of unitsOf(file)) {
      const stripped = {
        ...unit,
        file: appFile,
        text: unit.text.replace(/\bextends\s+\w+(<[^{]*>)?/g, ''),
      };
      merge(access, lifecycle.access(stripped, seen));
    }
  }
  return access;
}

/** Every SecretStore the code holds, by the name it is held under (the reader matches `secrets.`). */
export function secretStoreHolders(): { file: string; name: string }[] {
  const files = [
    ...fs
      .readdirSync(path.join(ROOT, 'apps'))
      .flatMap((app) =>
        fs.existsSync(path.join(ROOT, 'apps', app, 'src'))
          ? sourceFiles(path.join(ROOT, 'apps', app, 'src'))
          : [],
      ),
    ...sourceFiles(LIFECYCLE),
  ];
  return files.flatMap((file) =>
    [
      ...fs
        .readFileSync(file, 'utf8')
        .matchAll(/(\w+)\??\s*:\s*(?:Pick<\s*)?SecretStore\b(?!Module|Config|Backend|Readiness)/g),
    ].map((m) => ({ file: path.relative(ROOT, file), name: m[1] })),
  );
}
