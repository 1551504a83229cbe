// Lints every **/*.cypher file under a directory (default: cypher/ at the repo root) as
// Neo4j 5 Cypher, so queries written against FalkorDB stay portable.
//
//   node .ci/lint_cypher.mjs [DIR]
//
// Exit codes: 0 all clean, 1 any error (severity 1) diagnostic, 2 usage problem.
// A file with a line `// lint: falkordb-only <reason>` is skipped, reason printed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(repoRoot, 'cypher'));

// `// include: <name>` lines are replaced by cypher/<name>.fragment, as graph/store.py does.
const INCLUDE = /^[ \t]*\/\/ include: (\S+)[ \t]*$/gm;
const expand = (text) => text.replace(INCLUDE, (_, name) =>
  expand(readFileSync(join(dir, `${name}.fragment`), 'utf8')).replace(/\n+$/, ''));

const SKIP = /^\s*\/\/\s*lint:\s*falkordb-only\b(.*)$/m;
// $name, $0 and $`quoted name`. Names in comments or strings only add unused declarations.
const PARAM = /\$(?:`([^`]+)`|([A-Za-z0-9_]+))/g;

function cypherFiles(d) {
  const out = [];
  for (const entry of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, entry.name);
    if (entry.isDirectory()) out.push(...cypherFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.cypher')) out.push(p);
  }
  return out.sort();
}

if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`lint_cypher: not a directory: ${dir}`);
  process.exit(2);
}
const files = cypherFiles(dir);
if (files.length === 0) {
  // A lint that checked nothing must not look green.
  console.error(`lint_cypher: no .cypher files under ${dir}`);
  process.exit(2);
}

let errors = 0;
let linted = 0;
let skipped = 0;
for (const file of files) {
  const name = relative(process.cwd(), file) || file;
  const text = expand(readFileSync(file, 'utf8'));
  const skip = text.match(SKIP);
  if (skip) {
    const reason = skip[1].trim();
    if (!reason) {
      console.log(`${name}:1: error: falkordb-only marker needs a reason`);
      errors++;
    } else {
      console.log(`${name}: skipped (falkordb-only: ${reason})`);
      skipped++;
    }
    continue;
  }
  // Declare every $param the file uses; otherwise each one is an "is not defined" error.
  const parameters = {};
  for (const m of text.matchAll(PARAM)) parameters[m[1] ?? m[2]] = null;
  const { diagnostics } = lintCypherQuery(text, { parameters, defaultLanguage: 'CYPHER 5' });
  linted++;
  const lines = text.split('\n');
  for (const d of diagnostics) {
    const line = d.range.start.line + 1;
    const col = d.range.start.character + 1;
    const kind = d.severity === 1 ? 'error' : 'warning';
    if (d.severity === 1) errors++;
    console.log(`${name}:${line}:${col}: ${kind}: ${d.message}`);
    console.log(`    ${(lines[line - 1] ?? '').trimEnd()}`);
  }
}

console.log(`lint_cypher: ${linted} linted, ${skipped} skipped, ${errors} error(s)`);
process.exit(errors > 0 ? 1 : 0);
