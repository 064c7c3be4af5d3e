// Writes the OpenAPI v3 documents podlet serves: `tsx scripts/gen-openapi.ts [out-dir]`.
// The build writes them next to the compiled server (dist/src/apiserver/openapi/generated); without an argument
// they go next to the sources, where `tsx` runs the server from.
import { fileURLToPath } from 'node:url';
import { generateDocuments } from '../src/apiserver/openapi/generate.js';
import { DEFAULT_OPENAPI_DIR, fileNameOf } from '../src/apiserver/openapi/v3.js';
import { ensureDir, removeTree, writeFileAtomic } from '../src/util/fs.js';

const outDir = process.argv[2] ?? fileURLToPath(DEFAULT_OPENAPI_DIR);
await removeTree(outDir);
await ensureDir(outDir);
for (const [path, document] of generateDocuments())
  await writeFileAtomic(`${outDir}/${fileNameOf(path)}`, `${JSON.stringify(document)}\n`);
process.stdout.write(`OpenAPI v3 documents written to ${outDir}\n`);
