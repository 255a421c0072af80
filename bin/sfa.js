#!/usr/bin/env node
'use strict';

// The admin CLI runs the TypeScript sources directly: tsx compiles them on load.
require('tsx/cjs');
const { main } = require('../src/cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): let stdout drain; the ORM is closed, so nothing keeps the process alive.
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`sfa: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
