import fs from 'node:fs';
import path from 'node:path';

/** Writes a generated document as JSON formatted the way `prettier --check .` expects it. */
export async function writeJsonDocument(file: string, document: unknown): Promise<void> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(document), { ...options, filepath: file });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
