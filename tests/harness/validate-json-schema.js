#!/usr/bin/env node
// validate-json-schema.js — validates JSON documents against a JSON Schema with
// ajv (installed into tests/.tools by tests/harness/npm-tools.sh). Used by the
// end-to-end tests to check lockdown's SARIF / JSON / SBOM output against the
// official schemas.
//
//   node validate-json-schema.js [-r REF.json]... [--spec D] SCHEMA.json DOC.json...
//
//   -r REF.json   a schema that SCHEMA.json $refs (repeatable), e.g. CycloneDX's
//                 spdx.schema.json and jsf-0.82.schema.json next to bom-1.6.schema.json
//   --spec D      force the dialect: draft-04, draft-06, draft-07, 2019-09, 2020-12
//                 (default: taken from SCHEMA.json's "$schema", else draft-07)
//   --allow-duplicate-keys   do not fail a document whose objects repeat a key
//
// Exit: 0 all documents valid; 1 a document is invalid, unreadable or not JSON
// (errors on stderr); 2 usage error or a schema that cannot be loaded/compiled.
//
// The SARIF 2.1.0 schema comes from the npm registry, see npm-tools.sh:
// tests/.tools/schemas/sarif-schema-2.1.0.json.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const MAX_ERRORS = 50;

function usage(msg) {
  if (msg) process.stderr.write(`validate-json-schema: ${msg}\n`);
  process.stderr.write(
    'usage: validate-json-schema.js [-r REF.json]... [--spec D] [--allow-duplicate-keys] SCHEMA.json DOC.json...\n');
  process.exit(2);
}

// ---- arguments --------------------------------------------------------------
const refs = [];
const positional = [];
let spec = null;
let allowDuplicateKeys = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-r' || a === '--ref') {
    if (i + 1 >= argv.length) usage(`${a} needs a file`);
    refs.push(argv[++i]);
  } else if (a.startsWith('--ref=')) {
    refs.push(a.slice(6));
  } else if (a === '--spec') {
    if (i + 1 >= argv.length) usage('--spec needs a dialect');
    spec = argv[++i];
  } else if (a.startsWith('--spec=')) {
    spec = a.slice(7);
  } else if (a === '--allow-duplicate-keys') {
    allowDuplicateKeys = true;
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a === '--') {
    positional.push(...argv.slice(i + 1));
    break;
  } else if (a.startsWith('-') && a !== '-') {
    usage(`unknown option ${a}`);
  } else {
    positional.push(a);
  }
}
if (positional.length < 2) usage('need a schema and at least one document');
const [schemaFile, ...docFiles] = positional;

// ---- ajv from tests/.tools ---------------------------------------------------
const toolsDir = process.env.LOCKDOWN_TOOLS || path.resolve(__dirname, '..', '.tools');
const toolsRequire = createRequire(path.join(toolsDir, 'node_modules', '.lockdown-tools'));
function load(mod) {
  try {
    return toolsRequire(mod);
  } catch (e) {
    process.stderr.write(`validate-json-schema: cannot load '${mod}' from ${toolsDir}/node_modules ` +
      `(run: bash tests/harness/npm-tools.sh): ${e.message}\n`);
    process.exit(2);
  }
}

function readJson(file, what, exitCode) {
  let text;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`validate-json-schema: cannot read ${what} ${file}: ${e.message}\n`);
    process.exit(exitCode);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { text, value: JSON.parse(text) };
  } catch (e) {
    process.stderr.write(`validate-json-schema: ${what} ${file} is not valid JSON: ${e.message}\n`);
    process.exit(exitCode);
  }
}

// Reports the first key repeated within one object (JSON.parse keeps the last
// silently; consumers disagree on which wins, so a report must not do that).
function findDuplicateKey(text) {
  const stack = []; // per container: {keys: Set} for objects, null for arrays
  let expectKey = false;
  const pathParts = []; // JSON pointer parts of the current position
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      const top = stack[stack.length - 1];
      if (top && expectKey) {
        const key = JSON.parse(raw);
        if (top.keys.has(key)) return { key, at: '/' + pathParts.slice(0, -1).join('/') };
        top.keys.add(key);
        pathParts[pathParts.length - 1] = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      stack.push({ keys: new Set() });
      pathParts.push(null);
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      pathParts.push(0);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      pathParts.pop();
      expectKey = false;
    } else if (c === ',' && stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === null) pathParts[pathParts.length - 1]++;
      expectKey = top !== null;
    }
  }
  return null;
}

// ---- the validator ----------------------------------------------------------
const schema = readJson(schemaFile, 'schema', 2).value;
function makeAjv(unicodeRegExp) {
  const options = { strict: false, allErrors: true, allowUnionTypes: true, unicodeRegExp };
  let ajv;
  if (/draft-0?4/.test(dialect)) {
    const Ajv04 = load('ajv-draft-04');
    ajv = new (Ajv04.default || Ajv04)(options);
  } else if (/2019-09/.test(dialect)) {
    const Ajv2019 = load('ajv/dist/2019');
    ajv = new (Ajv2019.default || Ajv2019)(options);
    ajv.addMetaSchema(load('ajv/dist/refs/json-schema-draft-07.json'));
  } else if (/2020-12/.test(dialect)) {
    const Ajv2020 = load('ajv/dist/2020');
    ajv = new (Ajv2020.default || Ajv2020)(options);
  } else if (/draft-0?[67]/.test(dialect)) {
    const Ajv = load('ajv');
    ajv = new (Ajv.default || Ajv)(options);
    ajv.addMetaSchema(load('ajv/dist/refs/json-schema-draft-06.json'));
  } else {
    usage(`unsupported schema dialect '${dialect}' (use --spec)`);
  }
  const addFormats = load('ajv-formats');
  (addFormats.default || addFormats)(ajv);
  // Formats ajv-formats does not implement but official schemas use (CycloneDX:
  // iri-reference, idn-email). Accepted unchecked rather than warned about.
  for (const f of ['iri', 'iri-reference', 'idn-email', 'idn-hostname']) {
    if (!ajv.formats[f]) ajv.addFormat(f, true);
  }
  const mainId = schema.$id || schema.id || '';
  for (const file of refs) {
    const ref = readJson(file, 'referenced schema', 2).value;
    const ownId = ref.$id || ref.id || '';
    // Where a relative $ref to this file's name from SCHEMA.json lands: the
    // schema is registered there too, because published schema sets do not
    // always $ref each other by their $id (CycloneDX's npm copies are named
    // spdx.SNAPSHOT.schema.json but say "$id": ".../spdx.schema.json").
    const base = path.basename(file);
    let alias = base;
    try {
      if (mainId) alias = new URL(base, mainId).href;
    } catch {
      alias = base;
    }
    try {
      if (ownId) ajv.addSchema(ref);
      if (!ownId || alias.replace(/#$/, '') !== ownId.replace(/#$/, '')) {
        const copy = { ...ref };
        delete copy.$id;
        delete copy.id;
        ajv.addSchema(copy, alias);
      }
    } catch (e) {
      process.stderr.write(`validate-json-schema: cannot add referenced schema ${file}: ${e.message}\n`);
      process.exit(2);
    }
  }
  return ajv;
}

const dialect = spec || String(schema.$schema || 'draft-07');
let validate;
try {
  validate = makeAjv(true).compile(schema);
} catch (e) {
  // Some official schemas (older SARIF drafts among them) carry patterns that
  // are only valid as non-Unicode ECMA-262 regular expressions; JSON Schema
  // does not require the u flag, so retry without it.
  if (!/Invalid regular expression/.test(e.message)) {
    process.stderr.write(`validate-json-schema: cannot compile schema ${schemaFile}: ${e.message}\n`);
    process.exit(2);
  }
  try {
    validate = makeAjv(false).compile(schema);
  } catch (e2) {
    process.stderr.write(`validate-json-schema: cannot compile schema ${schemaFile}: ${e2.message}\n`);
    process.exit(2);
  }
}

let failed = 0;
for (const docFile of docFiles) {
  const { text, value } = readJson(docFile, 'document', 1);
  let ok = true;
  if (!allowDuplicateKeys) {
    const dup = findDuplicateKey(text);
    if (dup) {
      process.stderr.write(`${docFile}: duplicate key "${dup.key}" in object at ${dup.at}\n`);
      ok = false;
    }
  }
  if (!validate(value)) {
    ok = false;
    const errors = validate.errors || [];
    process.stderr.write(`${docFile}: invalid against ${schemaFile} (${errors.length} error(s))\n`);
    for (const e of errors.slice(0, MAX_ERRORS)) {
      let params = e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : '';
      if (params.length > 300) params = params.slice(0, 300) + '...';
      process.stderr.write(`  ${e.instancePath || '/'}: ${e.message}${params}  [schema ${e.schemaPath}]\n`);
    }
    if (errors.length > MAX_ERRORS) process.stderr.write(`  ... ${errors.length - MAX_ERRORS} more\n`);
  }
  if (!ok) failed++;
}
process.exit(failed ? 1 : 0);
